#include "monitor/zone_health.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "store/zone_status.h"

namespace caawatch::monitor {

std::string ZoneBlindness(const judge::ZoneFollowers& zones, absl::Time now) {
  const std::vector<store::ZoneStatusRecord> records = zones.StatusRecords();
  if (records.empty()) return "";
  for (const store::ZoneStatusRecord& r : records) {
    if (store::ZoneConditionOf(r, now) != store::ZoneCondition::kExpired) return "";
  }
  const store::ZoneStatusRecord& first = records.front();
  return absl::StrCat("every followed zone (", records.size(),
                      ") is expired: no successful refresh within its SOA expire time; first: ",
                      first.zone(), first.last_error().empty() ? "" : ": ", first.last_error());
}

}  // namespace caawatch::monitor
