// The followed zones' part of the health check (issue 18, README "Following your zones"): like
// the logs' and the CAA poll's, it makes the service NOT_SERVING only when caawatch is blind
// on that side as a whole, here when every followed zone is expired (store/zone_status.h: no
// successful refresh for its SOA expire time, or never one). A single expired zone among
// others is shown by `status` and `zones status` as `expired`, and logged.
#ifndef CAAWATCH_MONITOR_ZONE_HEALTH_H_
#define CAAWATCH_MONITOR_ZONE_HEALTH_H_

#include <string>

#include "absl/time/time.h"
#include "judge/zone_followers.h"

namespace caawatch::monitor {

// Why the health is NOT_SERVING on the zones' side at `now`; "" when no zone is followed or
// one of them is not expired.
std::string ZoneBlindness(const judge::ZoneFollowers& zones, absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_ZONE_HEALTH_H_
