#include "notify/iodef_rate_limit.h"

namespace caawatch::notify {

void IodefRateLimit::Forget(absl::Time now) {
  for (auto it = sent_.begin(); it != sent_.end();) {
    std::deque<absl::Time>& times = it->second;
    while (!times.empty() && times.front() <= now - absl::Hours(1)) times.pop_front();
    if (times.empty()) {
      sent_.erase(it++);
    } else {
      ++it;
    }
  }
}

bool IodefRateLimit::Allows(const std::string& target, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = sent_.find(target);
  if (it == sent_.end()) {
    if (sent_.size() >= kMaxTargets) Forget(now);
    return per_hour_ > 0 && sent_.size() < kMaxTargets;
  }
  std::deque<absl::Time>& times = it->second;
  while (!times.empty() && times.front() <= now - absl::Hours(1)) times.pop_front();
  return static_cast<int>(times.size()) < per_hour_;
}

void IodefRateLimit::Count(const std::string& target, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (!sent_.contains(target) && sent_.size() >= kMaxTargets) return;  // Allows said no.
  std::deque<absl::Time>& times = sent_[target];
  times.push_back(now);
  // Never more than per_hour entries are needed to decide.
  while (static_cast<int>(times.size()) > per_hour_) times.pop_front();
}

}  // namespace caawatch::notify
