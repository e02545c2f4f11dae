// Time as an injected dependency: libraries take `absl::Time now` or a Clock*, never the wall.
// Waits for a deadline go through the Clock too, so that a test's FakeClock steps them.
#ifndef CAAWATCH_BASE_CLOCK_H_
#define CAAWATCH_BASE_CLOCK_H_

#include <cstddef>
#include <memory>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace caawatch {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
  // Blocks until `n` is notified or Now() reaches `deadline`; true when notified.
  virtual bool WaitForNotification(const absl::Notification& n, absl::Time deadline) const = 0;
  // Blocks until `ready` holds or Now() reaches `deadline`; returns whether it holds. `mu` is
  // held on entry, on return and while `ready` is evaluated. `ready` is evaluated again whenever
  // another thread releases `mu`, and at least every 100 ms of real time, so it may also read
  // state changed without `mu` (a Notification), which is then seen that late at most.
  virtual bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& ready,
                                 absl::Time deadline) const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu) = 0;
};

// The wall clock. Stateless; construct one in main() and pass it down.
class RealClock final : public Clock {
 public:
  absl::Time Now() const override;
  bool WaitForNotification(const absl::Notification& n, absl::Time deadline) const override;
  bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& ready,
                         absl::Time deadline) const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);
};

// A clock that moves only when told to. Thread-safe. A wait for a deadline returns once the
// clock is set at or past it, so a test steps the loops that wait on this clock: it advances the
// clock, then AwaitIdle() until every loop the step woke has acted on it.
class FakeClock final : public Clock {
 public:
  explicit FakeClock(absl::Time start);
  FakeClock(const FakeClock&) = delete;
  FakeClock& operator=(const FakeClock&) = delete;
  absl::Time Now() const override;
  void Advance(absl::Duration d);
  void Set(absl::Time t);
  bool WaitForNotification(const absl::Notification& n, absl::Time deadline) const override;
  bool AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& ready,
                         absl::Time deadline) const override ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu);

  // Blocks until every thread whose wait on this clock ended because its deadline passed has
  // waited on the clock again or ended, and at least `n` threads wait on it for a deadline after
  // Now(); false if that takes more than `real_timeout`. `n` covers the threads that have not
  // waited yet (one just started): with `n` the threads that wait on the clock when idle, true
  // means each has acted on the time set before this call.
  bool AwaitIdle(size_t n, absl::Duration real_timeout) const;
  // Threads waiting on this clock now, whatever their deadline.
  size_t waiters() const;

  struct State;  // Shared with the threads that wait (clock.cc).

 private:
  std::shared_ptr<State> state_;
};

}  // namespace caawatch

#endif  // CAAWATCH_BASE_CLOCK_H_
