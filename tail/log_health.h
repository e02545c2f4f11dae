// What a log's worker tells the outside about how it fares: the last success, the last error
// and how many attempts failed since, kept in the store (store::LogHealthRecord, read by
// `caawatch status` and gRPC GetStatus) and asked in memory by the supervisor (gRPC health).
// Writes are few: on every failure (each is followed by a backoff), on the first success after
// failures, and otherwise at most every stale_after / 4. Thread-safe.
#ifndef CAAWATCH_TAIL_LOG_HEALTH_H_
#define CAAWATCH_TAIL_LOG_HEALTH_H_

#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "ctlog/log_types.h"
#include "store/log_health.pb.h"
#include "store/store.h"

namespace caawatch::tail {

class LogHealth {
 public:
  // `store` and `clock` are borrowed; `stale_after`: see store::LogHealthRecord.
  LogHealth(const ctlog::LogInfo& log, store::Store* store, const Clock* clock,
            absl::Duration stale_after);

  // The worker starts asking the log now: staleness counts from here, not from construction
  // (the first CAA poll of a large watchlist, before the logs start, may outlast stale_after),
  // and a log whose worker has not begun is not stale.
  void Begin();
  // The log answered (a tree head, a committed batch).
  void Succeeded();
  // An attempt failed with `error`; it is retried.
  void Failed(const absl::Status& error);
  // No success for stale_after (since Begin(), if never); false before Begin().
  bool Stale() const;
  // The latest attempt failed.
  bool Failing() const;
  // The log answered, or an attempt failed, at least once since the start: its head is in, or
  // it is known not to answer (the supervisor's readiness waits for this, not for a success).
  bool Reported() const;
  std::string last_error() const;
  // The catch-up's rate (0 when caught up), stored with the next write of the record.
  void SetRate(double entries_per_second);
  // The newest head waits for witness cosignatures (`why`, WitnessCosignatures::WaitingText), or
  // no longer ("" ); written at once when it changes.
  void SetWaitingForWitnesses(const std::string& why);

 private:
  // Writes the record; a store that cannot be written shows in the worker's own commits.
  void Write(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  store::Store* const store_;
  const Clock* const clock_;
  const absl::Duration stale_after_;
  mutable absl::Mutex mu_;
  store::LogHealthRecord record_ ABSL_GUARDED_BY(mu_);
  absl::Time written_at_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool reported_ ABSL_GUARDED_BY(mu_) = false;  // Succeeded() or Failed() was called.
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_LOG_HEALTH_H_
