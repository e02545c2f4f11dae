// The per-target limit of iodef reports (a sliding hour), so that a burst of forbidden
// certificates, or a hostile zone pointing many domains at one victim's address, sends a
// target at most a few reports an hour. Bounded: at most kMaxTargets targets are remembered;
// when all of them are busy a new target is refused rather than an old one forgotten.
#ifndef CAAWATCH_NOTIFY_IODEF_RATE_LIMIT_H_
#define CAAWATCH_NOTIFY_IODEF_RATE_LIMIT_H_

#include <deque>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caawatch::notify {

class IodefRateLimit {
 public:
  static constexpr size_t kMaxTargets = 4096;

  explicit IodefRateLimit(int per_hour) : per_hour_(per_hour) {}

  // Whether `target` may get a report at `now`: fewer than per_hour reports were Counted for
  // it in the hour before, and it is known or there is room to remember it.
  bool Allows(const std::string& target, absl::Time now);
  // Counts one report sent to `target` at `now`.
  void Count(const std::string& target, absl::Time now);

 private:
  void Forget(absl::Time now) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int per_hour_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::deque<absl::Time>> sent_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_IODEF_RATE_LIMIT_H_
