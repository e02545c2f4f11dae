// NOTIFY (RFC 1996) as a secondary answers it: a zone's primary says that the zone changed, and
// the follower transfers it at once instead of at the SOA's refresh time. A NOTIFY is only a
// hint to look (the transfer proves what changed), but an accepted one costs a transfer, so it
// is accepted only from the zone's primaries and, where the zone has a TSIG key, only signed
// with it (RFC 8945). Pure: the caller owns the socket.
#ifndef CAAWATCH_CAA_ZONE_NOTIFY_H_
#define CAAWATCH_CAA_ZONE_NOTIFY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/types/span.h"
#include "caa/zone_transfer.h"

namespace caawatch::caa {

// Who may notify about one followed zone.
struct NotifySource {
  std::string zone;                    // Lowercase, no final dot.
  std::vector<std::string> primaries;  // IP addresses as the socket reports them.
  std::optional<TsigKey> tsig;         // Set: a NOTIFY must be signed with it.
};

struct NotifyOutcome {
  // OK: `zone` changed (to `serial`, when the primary said). kPermissionDenied: from an address
  // that is not the zone's primary, unsigned or wrongly signed, or for a zone not followed.
  // kDataLoss: not a NOTIFY query at all (malformed, a response, another opcode).
  absl::Status status;
  std::string zone;
  std::optional<uint32_t> serial;
  // The answer to send back (NOERROR, or the refusal with its TSIG error where one applies);
  // empty when nothing should be sent (a malformed datagram).
  std::vector<uint8_t> reply;
};

// Checks `datagram`, received from `source_ip`, against `followed`.
NotifyOutcome AnswerNotify(absl::Span<const uint8_t> datagram, const std::string& source_ip,
                           const std::vector<NotifySource>& followed);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_ZONE_NOTIFY_H_
