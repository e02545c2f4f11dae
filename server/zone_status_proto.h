// One followed zone's status record as the API's ZoneStatus (ListZones and GetStatus say the
// same of a zone), with its condition at `now` (store/zone_status.h).
#ifndef CAAWATCH_SERVER_ZONE_STATUS_PROTO_H_
#define CAAWATCH_SERVER_ZONE_STATUS_PROTO_H_

#include "absl/time/time.h"
#include "caawatch/v1/monitor.pb.h"
#include "store/records.pb.h"

namespace caawatch::server {

void FillZoneStatus(const store::ZoneStatusRecord& zone, absl::Time now, v1::ZoneStatus* out);

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_ZONE_STATUS_PROTO_H_
