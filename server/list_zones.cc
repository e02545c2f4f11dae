// MonitorService::ListZones (issue 18): the followed zones' state, from the followers held in
// memory by the running monitor (nothing here is stored).
#include "base/hex.h"
#include "base/time_text.h"
#include "judge/zone_followers.h"
#include "server/service.h"

namespace caawatch::server {
namespace {

std::string TimeOrEmpty(absl::Time t) {
  return t == absl::InfinitePast() ? std::string() : FormatRfc3339Millis(t);
}

}  // namespace

grpc::ServerUnaryReactor* MonitorService::ListZones(grpc::CallbackServerContext* context,
                                                    const v1::ListZonesRequest* /*request*/,
                                                    v1::ListZonesResponse* response) {
  if (options_.zones != nullptr) {
    for (const judge::ZoneFollowStatus& z : options_.zones->Status()) {
      v1::ZoneStatus* out = response->add_zones();
      out->set_zone(z.zone);
      out->set_has_serial(z.serial.has_value());
      out->set_serial(z.serial.value_or(0));
      out->set_last_transfer(TimeOrEmpty(z.last_transfer));
      out->set_last_notify(TimeOrEmpty(z.last_notify));
      out->set_last_error(z.last_error);
      out->set_last_error_at(TimeOrEmpty(z.last_error_at));
      out->set_next_refresh(TimeOrEmpty(z.next_refresh));
      out->set_full_transfers(z.full_transfers);
      out->set_incremental_transfers(z.incremental_transfers);
      out->set_changes_recorded(z.changes_recorded);
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace caawatch::server
