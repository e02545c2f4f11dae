#include "store/zone_status.h"

#include "base/status_macros.h"

namespace caawatch::store {

absl::string_view ZoneConditionName(ZoneCondition condition) {
  switch (condition) {
    case ZoneCondition::kOk:
      return "ok";
    case ZoneCondition::kRetrying:
      return "retrying";
    case ZoneCondition::kExpired:
      return "expired";
  }
  return "expired";
}

ZoneCondition ZoneConditionOf(const ZoneStatusRecord& zone, absl::Time now) {
  if (!zone.has_serial() || zone.last_transfer_ms() == 0) return ZoneCondition::kExpired;
  const absl::Time good_until =
      absl::FromUnixMillis(zone.last_transfer_ms()) + absl::Milliseconds(zone.expire_ms());
  // Checked first: a monitor that stopped keeps no record current, and its copy expires all
  // the same.
  if (now > good_until) return ZoneCondition::kExpired;
  if (!zone.last_error().empty() && zone.last_error_ms() >= zone.last_transfer_ms()) {
    return ZoneCondition::kRetrying;
  }
  return ZoneCondition::kOk;
}

absl::StatusOr<std::vector<ZoneStatusView>> ListZoneStatus(Store& store, absl::Time now) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<ZoneStatusRecord> records,
                            store.followed_zones().ListStatus());
  std::vector<ZoneStatusView> out;
  out.reserve(records.size());
  for (ZoneStatusRecord& r : records) {
    const ZoneCondition condition = ZoneConditionOf(r, now);
    out.push_back({std::move(r), condition});
  }
  return out;
}

}  // namespace caawatch::store
