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

void IodefRateLimit::Load(const std::string& target) {
  if (persisted_ == nullptr || sent_.contains(target)) return;
  absl::StatusOr<std::optional<store::IodefReportsRecord>> stored = persisted_->Get(target);
  if (!stored.ok()) {
    // Refused until the store answers: as if the hour were used up.
    sent_[target].assign(static_cast<size_t>(per_hour_), absl::InfiniteFuture());
    return;
  }
  if (!stored->has_value() || (*stored)->sent_ms().empty()) return;
  if (sent_.size() >= kMaxTargets) return;
  std::deque<absl::Time>& times = sent_[target];
  for (const int64_t ms : (*stored)->sent_ms()) times.push_back(absl::FromUnixMillis(ms));
}

bool IodefRateLimit::Allows(const std::string& target, absl::Time now) {
  absl::MutexLock lock(&mu_);
  Load(target);
  auto it = sent_.find(target);
  if (it == sent_.end()) {
    if (sent_.size() >= kMaxTargets) Forget(now);
    return per_hour_ > 0 && sent_.size() < kMaxTargets;
  }
  std::deque<absl::Time>& times = it->second;
  while (!times.empty() && times.front() <= now - absl::Hours(1)) times.pop_front();
  return static_cast<int>(times.size()) < per_hour_;
}

absl::Status IodefRateLimit::Count(const std::string& target, absl::Time now) {
  absl::MutexLock lock(&mu_);
  if (!sent_.contains(target) && sent_.size() >= kMaxTargets) {
    return absl::OkStatus();  // Allows said no.
  }
  std::deque<absl::Time>& times = sent_[target];
  times.push_back(now);
  // Never more than per_hour entries are needed to decide.
  while (static_cast<int>(times.size()) > per_hour_) times.pop_front();
  if (persisted_ == nullptr) return absl::OkStatus();
  store::IodefReportsRecord record;
  record.set_target(target);
  for (const absl::Time t : times) {
    if (t != absl::InfiniteFuture()) record.add_sent_ms(absl::ToUnixMillis(t));
  }
  return persisted_->Put(record, now - absl::Hours(1));
}

}  // namespace caawatch::notify
