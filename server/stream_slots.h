// The cap on concurrent Subscribe streams, and the hook that gives their memory back to the
// system once they end.
#ifndef CAAWATCH_SERVER_STREAM_SLOTS_H_
#define CAAWATCH_SERVER_STREAM_SLOTS_H_

#include <cstddef>
#include <functional>
#include <memory>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"

namespace caawatch::server {

class StreamSlots;

// One stream's place under the cap; freed when destroyed.
class StreamSlot {
 public:
  ~StreamSlot();
  StreamSlot(const StreamSlot&) = delete;
  StreamSlot& operator=(const StreamSlot&) = delete;

 private:
  friend class StreamSlots;
  explicit StreamSlot(StreamSlots* owner) : owner_(owner) {}
  StreamSlots* const owner_;
};

// Thread-safe. Must outlive every slot it hands out.
class StreamSlots {
 public:
  // At most `max` slots at once. `on_freed` (may be empty) runs after a slot is freed, outside
  // any lock, when none is left in use or at least a second after its previous run: a thousand
  // streams ending together cost a few runs, not a thousand. `clock` is borrowed.
  StreamSlots(size_t max, std::function<void()> on_freed, const Clock* clock);
  StreamSlots(const StreamSlots&) = delete;
  StreamSlots& operator=(const StreamSlots&) = delete;

  // Null when `max` slots are in use.
  std::unique_ptr<StreamSlot> TryAcquire();
  size_t in_use() const;
  size_t max() const { return max_; }

 private:
  friend class StreamSlot;
  void Free();

  const size_t max_;
  const std::function<void()> on_freed_;
  const Clock* const clock_;
  mutable absl::Mutex mu_;
  size_t in_use_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Time last_on_freed_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
};

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_STREAM_SLOTS_H_
