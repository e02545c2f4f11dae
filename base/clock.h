// Time as an injected dependency: libraries take `absl::Time now` or a Clock*, never the wall.
#ifndef CAAWATCH_BASE_CLOCK_H_
#define CAAWATCH_BASE_CLOCK_H_

#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caawatch {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The wall clock. Stateless; construct one in main() and pass it down.
class RealClock final : public Clock {
 public:
  absl::Time Now() const override;
};

// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start) : now_(start) {}
  absl::Time Now() const override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);

 private:
  mutable absl::Mutex mu_;
  absl::Time now_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caawatch

#endif  // CAAWATCH_BASE_CLOCK_H_
