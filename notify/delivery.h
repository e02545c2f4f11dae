// Every configured sink's delivery (SPEC §6), each on a thread of its own, so that a sink that
// fails or hangs delays neither tailing, the gRPC stream nor another sink: they share nothing
// but the store, which they only read (and their own cursor).
#ifndef CAAWATCH_NOTIFY_DELIVERY_H_
#define CAAWATCH_NOTIFY_DELIVERY_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "notify/notify_config.h"
#include "notify/sink.h"
#include "notify/sink_courier.h"
#include "store/store.h"

namespace caawatch::notify {

class Delivery {
 public:
  // Builds the sinks of `config` (BuildSinks; script files go below `files_root`, created
  // 0700) and their couriers, creating the cursors of new sinks (SinkCourier::Create) now:
  // call it before any log is tailed. kInvalidArgument for a sink that cannot be built; store
  // errors as such. `store`, `clock` and `logger` are borrowed.
  // `names_watched` (may be null) counts the watched names for the heartbeat; `watch_item_of`
  // (may be null) names the watchlist item a finding matched (CourierOptions::watch_item_of).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Delivery>> Create(
      const NotifyConfig& config, const std::string& files_root, store::Store* store,
      const Clock* clock, const Logger* logger, std::function<size_t()> names_watched = nullptr,
      std::function<std::string(const store::FindingRecord&)> watch_item_of = nullptr);
  ~Delivery();  // Stop().
  Delivery(const Delivery&) = delete;
  Delivery& operator=(const Delivery&) = delete;

  // Starts each sink's Run on its own thread.
  void Start();
  // Ends the threads Start() started and joins them. A delivery in progress runs to its end or
  // its timeout first.
  void Stop();
  // `run --once`: each sink's CatchUp on its own thread, all joined. OK when every sink caught
  // up; else kUnavailable naming each sink that left findings for the next run.
  [[nodiscard]] absl::Status CatchUp(const absl::Notification& stop);

  size_t size() const { return couriers_.size(); }

 private:
  Delivery() = default;

  std::vector<Sink> sinks_;  // Never resized after Create: the couriers point into it.
  std::vector<std::unique_ptr<SinkCourier>> couriers_;
  absl::Notification stop_;
  std::vector<std::thread> threads_;
};

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_DELIVERY_H_
