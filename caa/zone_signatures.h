// DNSSEC checks of RRsets taken from a zone transfer (issue 18): a primary, or anyone between
// it and the follower, could serve a CAA RRset that the world never sees, so where the zone is
// signed each CAA (and CNAME/DNAME) RRset is believed only with a valid RRSIG (RFC 4034 §3,
// canonical form §6, RFC 4035 §5.3) by a DNSKEY that chains to a DS the caller trusts: the
// parent's DS as a validating resolver returned it, or a configured trust anchor.
// Algorithms: RSASHA256 (8), RSASHA512 (10), ECDSAP256SHA256 (13), ECDSAP384SHA384 (14),
// ED25519 (15); DS digests SHA-256 (2) and SHA-384 (4).
#ifndef CAAWATCH_CAA_ZONE_SIGNATURES_H_
#define CAAWATCH_CAA_ZONE_SIGNATURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "caa/zone_transfer.h"

namespace caawatch::caa {

struct DsRecord {
  uint16_t key_tag = 0;
  uint8_t algorithm = 0;
  uint8_t digest_type = 0;
  std::vector<uint8_t> digest;
};

// The DS records for `zone` in zone-file text ("example.com. 3600 IN DS 2371 13 2 1F98...",
// one per line, other lines ignored). kInvalidArgument for a DS line that does not parse.
[[nodiscard]] absl::StatusOr<std::vector<DsRecord>> ParseDsRecords(absl::string_view text,
                                                                   absl::string_view zone);

// The zone's DNSKEY RRset (from `records`, a transfer's records) if a key in it matches one of
// `ds` and signs the set with a signature valid at `now`. kPermissionDenied (bogus) otherwise,
// saying why; kNotFound if the zone has no DNSKEY at all (unsigned).
[[nodiscard]] absl::StatusOr<std::vector<ZoneRecord>> TrustedDnskeys(
    absl::string_view zone, const std::vector<ZoneRecord>& records, const std::vector<DsRecord>& ds,
    absl::Time now);

enum class RrsetSecurity { kSecure, kBogus };
struct RrsetCheck {
  RrsetSecurity security = RrsetSecurity::kBogus;
  std::string why;  // For kBogus: what failed.
};

// Whether the RRset of `type` at `owner` in `records` is signed at `now` by one of `dnskeys`
// (from TrustedDnskeys). An RRset with no RRSIG in a signed zone is bogus; so is an empty one.
RrsetCheck CheckRrset(absl::string_view owner, uint16_t type,
                      const std::vector<ZoneRecord>& records,
                      const std::vector<ZoneRecord>& dnskeys, absl::Time now);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_ZONE_SIGNATURES_H_
