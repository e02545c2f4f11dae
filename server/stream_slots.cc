#include "server/stream_slots.h"

#include <utility>

namespace caawatch::server {

StreamSlot::~StreamSlot() { owner_->Free(); }

StreamSlots::StreamSlots(size_t max, std::function<void()> on_freed, const Clock* clock)
    : max_(max), on_freed_(std::move(on_freed)), clock_(clock) {}

std::unique_ptr<StreamSlot> StreamSlots::TryAcquire() {
  absl::MutexLock lock(&mu_);
  if (in_use_ >= max_) return nullptr;
  ++in_use_;
  return std::unique_ptr<StreamSlot>(new StreamSlot(this));
}

size_t StreamSlots::in_use() const {
  absl::MutexLock lock(&mu_);
  return in_use_;
}

void StreamSlots::Free() {
  bool run = false;
  {
    absl::MutexLock lock(&mu_);
    --in_use_;
    const absl::Time now = clock_->Now();
    if (on_freed_ && (in_use_ == 0 || now - last_on_freed_ >= absl::Seconds(1))) {
      last_on_freed_ = now;
      run = true;
    }
  }
  if (run) on_freed_();
}

}  // namespace caawatch::server
