// Each followed zone's recorded status and condition (ok, retrying, expired) as `caawatch
// status` prints them: store/zone_status.h, offered here because cli/ reaches the layers below
// only through monitor/.
#ifndef CAAWATCH_MONITOR_ZONE_STATUS_H_
#define CAAWATCH_MONITOR_ZONE_STATUS_H_

#include "store/zone_status.h"

namespace caawatch::monitor {

using store::ListZoneStatus;
using store::ZoneCondition;
using store::ZoneConditionName;
using store::ZoneStatusView;

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_ZONE_STATUS_H_
