// Delivery to one sink (SPEC §6): the findings after the sink's durable cursor, in seq order, a
// page at a time, each retried with exponential backoff and jitter under one idempotency key
// (its seq), the cursor moved only once the sink took it. A sink that is down keeps a cursor
// in the store, never a queue in memory. Every wait is on the Clock.
#ifndef CAAWATCH_NOTIFY_SINK_COURIER_H_
#define CAAWATCH_NOTIFY_SINK_COURIER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>

#include "absl/random/random.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "notify/sink.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::notify {

struct CourierOptions {
  absl::Duration poll_interval = absl::Seconds(1);  // Between looks for new findings.
  absl::Duration first_backoff = absl::Seconds(1);  // Doubled per failed attempt...
  absl::Duration max_backoff = absl::Minutes(5);    // ...up to this; each wait is 50-100% of it.
  int once_attempts = 4;                            // CatchUp: attempts per finding.
  size_t page_size = 64;                            // Findings read from the store at once.
  // Opt-in heartbeat (heartbeat.h): sent when this long has passed since the last one, between
  // findings; zero = none. `names_watched` says how many names are watched (null: 0).
  absl::Duration heartbeat = absl::ZeroDuration();
  std::function<size_t()> names_watched;
  // The watchlist item a finding matched, as certspotter's WATCH_ITEM spells it (".example.com"
  // for a subtree item); used when the sink has no watch filter of its own. Null or "": the
  // first watched name.
  std::function<std::string(const store::FindingRecord&)> watch_item_of;
};

class SinkCourier {
 public:
  // Reads the sink's cursor; a sink without one gets one at the store's last seq, synced, so
  // that it hears of every finding made from now on, even across a crash. `sink`, `store`,
  // `clock` and `logger` are borrowed. Store errors are returned.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<SinkCourier>> Create(const Sink* sink,
                                                                           store::Store* store,
                                                                           const Clock* clock,
                                                                           const Logger* logger,
                                                                           CourierOptions options);

  // Delivers until `stop`: new findings within poll_interval, and the heartbeat when due; a
  // failure that may pass (the
  // receiver is down, a timeout) is retried without end, with backoff; one that cannot succeed
  // (delivery_status.h) is logged, counted in the cursor's given_up, and passed over. Store
  // errors are logged and the look repeated one poll_interval later.
  void Run(const absl::Notification& stop);

  // `run --once`: delivers every finding up to the store's last seq now, each with at most
  // once_attempts attempts, then the heartbeat if one is due (one attempt). OK when caught up;
  // kUnavailable, with the last error, when a finding was left for the next run (the cursor stays
  // before it); a store error as such.
  [[nodiscard]] absl::Status CatchUp(const absl::Notification& stop);

  const Sink& sink() const { return *sink_; }
  uint64_t cursor_seq() const { return cursor_.cursor_seq(); }

 private:
  enum class Outcome { kDelivered, kGaveUp, kLeft, kStopped };
  SinkCourier(const Sink* sink, store::Store* store, const Clock* clock, const Logger* logger,
              CourierOptions options, store::SinkCursorRecord cursor)
      : sink_(sink),
        store_(store),
        clock_(clock),
        logger_(logger),
        options_(options),
        cursor_(std::move(cursor)) {}

  // Delivers the findings after the cursor up to seq `until`; max_attempts 0 = no limit.
  // kUnavailable when one was left (max_attempts reached), OK when done or stopped.
  absl::Status DeliverUpTo(uint64_t until, int max_attempts, const absl::Notification& stop);
  Outcome DeliverOne(const store::FindingRecord& finding, int max_attempts,
                     const absl::Notification& stop);
  Notification NotificationFor(const store::FindingRecord& finding);
  absl::Duration Backoff(int failed_attempts);
  // Sends the heartbeat when one is due. The first call only starts the clock of a sink that
  // never had one: the first heartbeat comes one interval later. A failure is logged, kept in
  // the cursor, and tried again after min(heartbeat, max_backoff).
  void MaybeHeartbeat(const absl::Notification& stop);
  absl::Status SaveCursor(bool sync);

  const Sink* const sink_;
  store::Store* const store_;
  const Clock* const clock_;
  const Logger* const logger_;
  const CourierOptions options_;
  store::SinkCursorRecord cursor_;  // Only this courier's thread touches it.
  absl::BitGen jitter_;
  absl::Time next_heartbeat_attempt_ = absl::InfinitePast();
};

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_SINK_COURIER_H_
