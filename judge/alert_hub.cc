#include "judge/alert_hub.h"

#include <algorithm>
#include <utility>

namespace caawatch::judge {

void AlertHub::Publish(uint64_t last_seq) {
  {
    absl::MutexLock lock(&mu_);
    last_published_ = std::max(last_published_, last_seq);
  }
  absl::ReaderMutexLock lock(&mu_);
  for (const auto& [id, callback] : callbacks_) callback(last_seq);
}

AlertHub::SubscriptionId AlertHub::Subscribe(Callback callback) {
  absl::MutexLock lock(&mu_);
  SubscriptionId id = next_id_++;
  callbacks_.emplace(id, std::move(callback));
  return id;
}

void AlertHub::Unsubscribe(SubscriptionId id) {
  absl::MutexLock lock(&mu_);
  callbacks_.erase(id);
}

uint64_t AlertHub::last_published() const {
  absl::ReaderMutexLock lock(&mu_);
  return last_published_;
}

size_t AlertHub::subscriber_count() const {
  absl::ReaderMutexLock lock(&mu_);
  return callbacks_.size();
}

bool AlertHub::AwaitSubscriberCount(size_t count, absl::Duration timeout) const {
  absl::MutexLock lock(&mu_);
  auto reached = [this, count]()
                     ABSL_SHARED_LOCKS_REQUIRED(mu_) { return callbacks_.size() == count; };
  return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
}

}  // namespace caawatch::judge
