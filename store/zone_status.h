// What `caawatch status`, gRPC GetStatus and the health check say about each followed zone
// (issue 18): its status record (followed_zones.h) and one condition a user can act on. Pure
// but for ListZoneStatus's read.
#ifndef CAAWATCH_STORE_ZONE_STATUS_H_
#define CAAWATCH_STORE_ZONE_STATUS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::store {

enum class ZoneCondition {
  kOk,        // The latest refresh succeeded.
  kRetrying,  // The latest refresh failed; the copy held is within its expire time.
  // No successful refresh for the expire time (or never one): like a secondary, caawatch no
  // longer vouches for the zone; its names' CAA history has a gap from then on.
  kExpired,
};
absl::string_view ZoneConditionName(ZoneCondition condition);  // "ok", "retrying", "expired".

ZoneCondition ZoneConditionOf(const ZoneStatusRecord& zone, absl::Time now);

struct ZoneStatusView {
  ZoneStatusRecord record;
  ZoneCondition condition = ZoneCondition::kExpired;
};

// Every followed zone with a status record, by zone name.
[[nodiscard]] absl::StatusOr<std::vector<ZoneStatusView>> ListZoneStatus(Store& store,
                                                                         absl::Time now);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_ZONE_STATUS_H_
