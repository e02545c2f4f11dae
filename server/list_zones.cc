// MonitorService::ListZones (issue 18): the followed zones' state, from the followers held in
// memory by the running monitor; and the conversion GetStatus shares.
#include "base/hex.h"
#include "base/time_text.h"
#include "judge/zone_followers.h"
#include "server/service.h"
#include "server/zone_status_proto.h"
#include "store/zone_status.h"

namespace caawatch::server {
namespace {

std::string TimeOrEmpty(int64_t ms) {
  return ms == 0 ? std::string() : FormatRfc3339Millis(absl::FromUnixMillis(ms));
}

}  // namespace

void FillZoneStatus(const store::ZoneStatusRecord& z, absl::Time now, v1::ZoneStatus* out) {
  out->set_zone(z.zone());
  out->set_has_serial(z.has_serial());
  out->set_serial(z.serial());
  out->set_last_transfer(TimeOrEmpty(z.last_transfer_ms()));
  out->set_last_notify(TimeOrEmpty(z.last_notify_ms()));
  out->set_last_error(z.last_error());
  out->set_last_error_at(TimeOrEmpty(z.last_error_ms()));
  out->set_full_transfers(z.full_transfers());
  out->set_incremental_transfers(z.incremental_transfers());
  out->set_changes_recorded(z.changes_recorded());
  out->set_state(std::string(store::ZoneConditionName(store::ZoneConditionOf(z, now))));
  if (z.last_transfer_ms() != 0) {
    out->set_expires_at(TimeOrEmpty(z.last_transfer_ms() + z.expire_ms()));
  }
  out->set_last_transfer_kind(z.last_transfer_kind());
  out->set_last_disagreement(z.last_disagreement());
  out->set_last_disagreement_at(TimeOrEmpty(z.last_disagreement_ms()));
  out->set_disagreements(z.disagreements());
}

grpc::ServerUnaryReactor* MonitorService::ListZones(grpc::CallbackServerContext* context,
                                                    const v1::ListZonesRequest* /*request*/,
                                                    v1::ListZonesResponse* response) {
  if (options_.zones != nullptr) {
    const absl::Time now = options_.clock->Now();
    const std::vector<judge::ZoneFollowStatus> live = options_.zones->Status();
    const std::vector<store::ZoneStatusRecord> records = options_.zones->StatusRecords();
    for (size_t i = 0; i < records.size() && i < live.size(); ++i) {
      v1::ZoneStatus* out = response->add_zones();
      FillZoneStatus(records[i], now, out);
      const absl::Time next = live[i].next_refresh;
      out->set_next_refresh(next == absl::InfinitePast() ? std::string()
                                                         : FormatRfc3339Millis(next));
    }
  }
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  reactor->Finish(grpc::Status::OK);
  return reactor;
}

}  // namespace caawatch::server
