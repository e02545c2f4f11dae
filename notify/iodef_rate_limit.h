// The per-target limit of iodef reports (a sliding hour), so that a burst of forbidden
// certificates, or a hostile zone pointing many domains at one victim's address, sends a
// target at most a few reports an hour. Bounded: at most kMaxTargets targets are remembered;
// when all of them are busy a new target is refused rather than an old one forgotten. With a
// store, each target's reports are kept there too (store/iodef_reports.h), so that a restart
// does not give every target a fresh hour.
#ifndef CAAWATCH_NOTIFY_IODEF_RATE_LIMIT_H_
#define CAAWATCH_NOTIFY_IODEF_RATE_LIMIT_H_

#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/iodef_reports.h"

namespace caawatch::notify {

class IodefRateLimit {
 public:
  static constexpr size_t kMaxTargets = 4096;

  // `persisted` (borrowed, may be null: memory only) keeps the counts across restarts.
  explicit IodefRateLimit(int per_hour, store::IodefReports* persisted = nullptr)
      : per_hour_(per_hour), persisted_(persisted) {}

  // Whether `target` may get a report at `now`: fewer than per_hour reports were Counted for
  // it in the hour before (by this process or, with a store, an earlier one), and it is known
  // or there is room to remember it. A store that cannot be read refuses (kept in the error):
  // a report too few is better than a flood after a restart.
  bool Allows(const std::string& target, absl::Time now);
  // Counts one report sent to `target` at `now`. The store's error, if it cannot be written
  // (the count is kept in memory all the same).
  absl::Status Count(const std::string& target, absl::Time now);

 private:
  void Forget(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Loads `target`'s stored reports into sent_ the first time it is asked about.
  void Load(const std::string& target) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int per_hour_;
  store::IodefReports* const persisted_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::deque<absl::Time>> sent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_IODEF_RATE_LIMIT_H_
