// The `zones` configuration key (issue 18): parsing and checking each followed zone, and
// turning it into the follower's settings (reading the TSIG secret and DS files, bounded).
#ifndef CAAWATCH_MONITOR_ZONES_CONFIG_H_
#define CAAWATCH_MONITOR_ZONES_CONFIG_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "judge/zone_follower.h"
#include "monitor/config.h"
#include "nlohmann/json.hpp"

namespace caawatch::monitor {

// Reads `zones` (an array of objects, see FollowedZoneConfig). kInvalidArgument naming the
// entry and the key: an unknown key, a zone that is not a domain name or appears twice, no
// primaries or one that is not an IP address with an optional port, TSIG keys set in part.
[[nodiscard]] absl::Status ReadFollowedZones(const nlohmann::json& value,
                                             std::vector<FollowedZoneConfig>* out);

// The followers' settings: the secret file (base64, 1 KiB at most) and the DS file (64 KiB)
// read and checked. kInvalidArgument naming the zone and the file.
[[nodiscard]] absl::StatusOr<std::vector<judge::FollowedZoneSettings>> FollowedZoneSettingsOf(
    const std::vector<FollowedZoneConfig>& zones);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_ZONES_CONFIG_H_
