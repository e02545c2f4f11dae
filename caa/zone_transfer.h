// Zone transfers from a zone's primary, as a secondary server does them (issue 18): AXFR (RFC
// 5936) and IXFR (RFC 1995) over TCP, every message of the answer checked against a TSIG key
// (RFC 8945) when one is given. Messages are parsed by libknot, the library Knot DNS itself is
// built on; this file adds the transfer's rules (one query, one answer stream ending with the
// zone's SOA, records inside the zone only) and bounds on time and size.
#ifndef CAAWATCH_CAA_ZONE_TRANSFER_H_
#define CAAWATCH_CAA_ZONE_TRANSFER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caawatch::caa {

// A TSIG key as `knotc`, `tsig-keygen` and `dig -y` name it.
struct TsigKey {
  std::string name;                       // "xfr.example.com"
  std::string algorithm = "hmac-sha256";  // hmac-sha256, hmac-sha384, hmac-sha512, hmac-sha1...
  std::string secret_base64;              // Never logged.
};

struct ZoneTransferOptions {
  std::string primary;          // "IPv4:PORT", "[IPv6]:PORT"; the port defaults to 53.
  std::optional<TsigKey> tsig;  // Set: every message of the answer must be signed with it.
  absl::Duration timeout = absl::Seconds(60);  // The whole transfer, connect included.
  size_t max_bytes = size_t{128} << 20;        // Of all messages together.
  size_t max_records = 2'000'000;
};

// One resource record of the zone: owner in lowercase presentation form without the final dot,
// class IN, rdata in uncompressed wire form (names in it expanded).
struct ZoneRecord {
  std::string owner;
  uint16_t type = 0;
  uint32_t ttl = 0;
  std::vector<uint8_t> rdata;

  friend bool operator==(const ZoneRecord&, const ZoneRecord&) = default;
};

// The whole zone at one serial: every record but the closing SOA, the opening SOA first.
struct ZoneSnapshot {
  uint32_t serial = 0;
  std::vector<ZoneRecord> records;
};

// One IXFR difference sequence: the zone at from_serial, minus `removed`, plus `added`, is the
// zone at to_serial. The SOAs themselves are not in the lists.
struct ZoneChange {
  uint32_t from_serial = 0;
  uint32_t to_serial = 0;
  std::vector<ZoneRecord> removed;
  std::vector<ZoneRecord> added;
};

// What an IXFR answered: nothing newer (`serial` is the primary's), the changes since the
// serial asked about in order, or the whole zone (the primary's choice, e.g. when its journal
// does not reach back that far: RFC 1995 §4).
struct IxfrAnswer {
  enum class Kind { kUpToDate, kIncremental, kFull };
  Kind kind = Kind::kUpToDate;
  uint32_t serial = 0;
  std::vector<ZoneChange> changes;  // kIncremental.
  ZoneSnapshot zone;                // kFull.
};

// Errors: kInvalidArgument for options that cannot work (a bad address, an unknown TSIG
// algorithm, a secret that is not base64); kUnavailable when the primary cannot be reached or
// does not finish in time (retry later); kPermissionDenied when the primary refuses (REFUSED,
// NOTAUTH, a TSIG error it reports); kDataLoss for an answer that breaks the protocol or the
// key: a malformed or truncated message, a wrong or missing signature, a record outside the
// zone, a stream that ends before its closing SOA, or one over the bounds. Nothing of a
// failed transfer is returned.
[[nodiscard]] absl::StatusOr<ZoneSnapshot> TransferZone(absl::string_view zone,
                                                        const ZoneTransferOptions& options);
[[nodiscard]] absl::StatusOr<IxfrAnswer> TransferZoneChanges(absl::string_view zone,
                                                             uint32_t known_serial,
                                                             const ZoneTransferOptions& options);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_ZONE_TRANSFER_H_
