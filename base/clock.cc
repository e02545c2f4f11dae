#include "base/clock.h"

#include <algorithm>
#include <iterator>
#include <set>
#include <utility>
#include <vector>

#include "absl/time/clock.h"

namespace caawatch {
namespace {

// How often a wait evaluates a condition that may change without the mutex it waits on (a
// Notification, a FakeClock's time). The monitor's loops poll their stop this often.
constexpr absl::Duration kRecheck = absl::Milliseconds(100);
// The same for FakeClock: shorter, since a stepped test waits for every loop to act on a step.
constexpr absl::Duration kFakeRecheck = absl::Milliseconds(5);

}  // namespace

absl::Time RealClock::Now() const { return absl::Now(); }

bool RealClock::WaitForNotification(const absl::Notification& n, absl::Time deadline) const {
  return n.WaitForNotificationWithDeadline(deadline);
}

bool RealClock::AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& ready,
                                  absl::Time deadline) const {
  for (;;) {
    const absl::Time now = absl::Now();
    if (now >= deadline) return ready.Eval();
    if (mu->AwaitWithDeadline(ready, std::min(deadline, now + kRecheck))) return true;
  }
}

// The state of a FakeClock, shared with the threads that wait on it: a thread woken because its
// deadline passed is "busy" until it waits on the clock again or ends (a thread-local record
// outlives the clock if it must, hence the shared_ptr).
struct FakeClock::State {
  absl::Mutex mu;
  absl::Time now ABSL_GUARDED_BY(mu);
  std::multiset<absl::Time> deadlines ABSL_GUARDED_BY(mu);  // One per waiting thread.
  size_t busy ABSL_GUARDED_BY(mu) = 0;

  size_t WaitersAfterNow() const ABSL_SHARED_LOCKS_REQUIRED(mu) {
    return static_cast<size_t>(std::distance(deadlines.upper_bound(now), deadlines.end()));
  }
  bool Idle(size_t n) const ABSL_SHARED_LOCKS_REQUIRED(mu) {
    return busy == 0 && (deadlines.empty() || *deadlines.begin() > now) && WaitersAfterNow() >= n;
  }
};

namespace {

// The FakeClocks whose step woke this thread and on which it has not waited since.
class BusyOn {
 public:
  ~BusyOn() {
    for (const std::shared_ptr<FakeClock::State>& state : states_) {
      absl::MutexLock lock(&state->mu);
      --state->busy;
    }
  }
  // Called with state->mu held.
  void Add(const std::shared_ptr<FakeClock::State>& state) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    states_.push_back(state);
    ++state->busy;
  }
  // Called with state->mu held: the thread waits on the clock again.
  void Remove(FakeClock::State* state) ABSL_NO_THREAD_SAFETY_ANALYSIS {
    auto it = std::find_if(states_.begin(), states_.end(),
                           [state](const auto& s) { return s.get() == state; });
    if (it == states_.end()) return;
    --state->busy;
    states_.erase(it);
  }

 private:
  std::vector<std::shared_ptr<FakeClock::State>> states_;
};

thread_local BusyOn busy_on;

// A thread's wait on a FakeClock: counts its deadline while it waits; a wait that ends by the
// deadline leaves the thread busy.
class Waiting {
 public:
  Waiting(std::shared_ptr<FakeClock::State> state, absl::Time deadline) : state_(std::move(state)) {
    absl::MutexLock lock(&state_->mu);
    busy_on.Remove(state_.get());
    it_ = state_->deadlines.insert(deadline);
  }
  ~Waiting() {
    absl::MutexLock lock(&state_->mu);
    state_->deadlines.erase(it_);
    if (timed_out_) busy_on.Add(state_);
  }
  Waiting(const Waiting&) = delete;
  Waiting& operator=(const Waiting&) = delete;
  void TimedOut() { timed_out_ = true; }

 private:
  const std::shared_ptr<FakeClock::State> state_;
  std::multiset<absl::Time>::iterator it_;
  bool timed_out_ = false;
};

}  // namespace

FakeClock::FakeClock(absl::Time start) : state_(std::make_shared<State>()) {
  absl::MutexLock lock(&state_->mu);
  state_->now = start;
}

absl::Time FakeClock::Now() const {
  absl::MutexLock lock(&state_->mu);
  return state_->now;
}

void FakeClock::Advance(absl::Duration d) {
  absl::MutexLock lock(&state_->mu);
  state_->now += d;
}

void FakeClock::Set(absl::Time t) {
  absl::MutexLock lock(&state_->mu);
  state_->now = t;
}

bool FakeClock::WaitForNotification(const absl::Notification& n, absl::Time deadline) const {
  Waiting waiting(state_, deadline);
  State& s = *state_;
  bool notified;
  {
    absl::MutexLock lock(&s.mu);
    // Evaluated again when the time is set (mu released) and every kFakeRecheck for `n`.
    auto done = [&]() ABSL_SHARED_LOCKS_REQUIRED(s.mu) {
      return n.HasBeenNotified() || s.now >= deadline;
    };
    while (!s.mu.AwaitWithTimeout(absl::Condition(&done), kFakeRecheck)) {
    }
    notified = n.HasBeenNotified();
  }
  if (!notified) waiting.TimedOut();
  return notified;
}

bool FakeClock::AwaitWithDeadline(absl::Mutex* mu, const absl::Condition& ready,
                                  absl::Time deadline) const {
  Waiting waiting(state_, deadline);
  for (;;) {
    if (ready.Eval()) return true;
    if (Now() >= deadline) {
      waiting.TimedOut();
      return false;
    }
    mu->AwaitWithTimeout(ready, kFakeRecheck);
  }
}

bool FakeClock::AwaitIdle(size_t n, absl::Duration real_timeout) const {
  State& s = *state_;
  absl::MutexLock lock(&s.mu);
  auto idle = [&]() ABSL_SHARED_LOCKS_REQUIRED(s.mu) { return s.Idle(n); };
  return s.mu.AwaitWithTimeout(absl::Condition(&idle), real_timeout);
}

size_t FakeClock::waiters() const {
  absl::MutexLock lock(&state_->mu);
  return state_->deadlines.size();
}

}  // namespace caawatch
