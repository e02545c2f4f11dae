// The two pieces of transferred RDATA the zone follower reads itself: an alias target (CNAME,
// DNAME) and the SOA's refresh and retry times. RDATA as caa/zone_transfer.h gives it:
// uncompressed wire form. Bounded: a name that runs past its RDATA is refused.
#ifndef CAAWATCH_JUDGE_ZONE_RDATA_H_
#define CAAWATCH_JUDGE_ZONE_RDATA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "caa/zone_transfer.h"

namespace caawatch::judge {

// "www.example.com" (lowercase, no final dot) for the wire name that fills `rdata`; nullopt
// when it is malformed, does not end the RDATA, or holds a label with a dot or a byte outside
// printable ASCII (no CAA lookup can be answered from such an alias).
std::optional<std::string> WireNameText(const std::vector<uint8_t>& rdata);

struct SoaTimers {
  absl::Duration refresh;
  absl::Duration retry;
  absl::Duration expire;
};
// The timers of the snapshot's SOA (its first record), nullopt if it has none that parses.
std::optional<SoaTimers> ParseSoaTimers(const caa::ZoneSnapshot& snapshot);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ZONE_RDATA_H_
