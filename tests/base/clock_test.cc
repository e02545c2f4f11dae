// The Clock's waits: FakeClock steps them (a wait for a deadline returns once the clock is set
// past it, and AwaitIdle tells when the woken threads are done with a step); RealClock's waits
// see state changed outside their mutex.
#include "base/clock.h"

#include <thread>

#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace caawatch {
namespace {

constexpr absl::Duration kPatience = absl::Seconds(60);  // Real time; only a hang waits this long.
const absl::Time kStart = absl::FromUnixSeconds(1790000000);

TEST(FakeClockTest, AWaitForADeadlineEndsWhenTheClockReachesItNotBefore) {
  FakeClock clock(kStart);
  absl::Notification never;
  absl::Notification returned;
  bool notified = true;
  std::thread waiter([&] {
    notified = clock.WaitForNotification(never, kStart + absl::Minutes(10));
    returned.Notify();
  });
  ASSERT_TRUE(clock.AwaitIdle(1, kPatience));  // Waiting, for a deadline still ahead.
  clock.Advance(absl::Minutes(9));
  ASSERT_TRUE(clock.AwaitIdle(1, kPatience));  // Still waiting: its deadline is ahead.
  EXPECT_FALSE(returned.HasBeenNotified());
  clock.Advance(absl::Minutes(1));
  returned.WaitForNotification();
  waiter.join();
  EXPECT_FALSE(notified);
}

TEST(FakeClockTest, ANotificationEndsTheWaitWithoutTheClockMoving) {
  FakeClock clock(kStart);
  absl::Notification stop;
  bool notified = false;
  std::thread waiter([&] { notified = clock.WaitForNotification(stop, absl::InfiniteFuture()); });
  ASSERT_TRUE(clock.AwaitIdle(1, kPatience));
  stop.Notify();
  waiter.join();
  EXPECT_TRUE(notified);
  EXPECT_EQ(clock.Now(), kStart);
}

TEST(FakeClockTest, AConditionUnderTheCallersMutexEndsTheWait) {
  FakeClock clock(kStart);
  absl::Mutex mu;
  bool ready = false;
  bool result = false;
  std::thread waiter([&] {
    absl::MutexLock lock(&mu);
    result = clock.AwaitWithDeadline(&mu, absl::Condition(&ready), absl::InfiniteFuture());
  });
  ASSERT_TRUE(clock.AwaitIdle(1, kPatience));
  {
    absl::MutexLock lock(&mu);
    ready = true;
  }
  waiter.join();
  EXPECT_TRUE(result);
}

// A loop that does some work each time its deadline passes: AwaitIdle returns only once the
// loop has done the work of the step and waits again, and counts a loop that ended as idle.
TEST(FakeClockTest, AwaitIdleWaitsForEveryThreadTheStepWoke) {
  FakeClock clock(kStart);
  absl::Notification stop;
  absl::Mutex mu;
  int ticks = 0;
  std::thread ticker([&] {
    absl::Time next = clock.Now() + absl::Seconds(1);
    while (!clock.WaitForNotification(stop, next)) {
      absl::SleepFor(absl::Milliseconds(20));  // Work that takes a while: AwaitIdle must wait.
      absl::MutexLock lock(&mu);
      ++ticks;
      next = clock.Now() + absl::Seconds(1);
    }
  });
  // Ends at its first tick: a woken thread that ends is idle too.
  std::thread one_shot([&] {
    absl::Notification never;
    clock.WaitForNotification(never, kStart + absl::Seconds(1));
    absl::SleepFor(absl::Milliseconds(20));
  });
  ASSERT_TRUE(clock.AwaitIdle(2, kPatience));
  for (int step = 1; step <= 3; ++step) {
    clock.Advance(absl::Seconds(1));
    ASSERT_TRUE(clock.AwaitIdle(1, kPatience));
    absl::MutexLock lock(&mu);
    EXPECT_EQ(ticks, step);
  }
  EXPECT_EQ(clock.waiters(), 1u);  // one_shot has ended.
  one_shot.join();
  stop.Notify();
  ticker.join();
}

TEST(FakeClockTest, AwaitIdleTimesOutWhileFewerThreadsWait) {
  FakeClock clock(kStart);
  EXPECT_FALSE(clock.AwaitIdle(1, absl::Milliseconds(10)));
  EXPECT_TRUE(clock.AwaitIdle(0, absl::Milliseconds(10)));
}

TEST(RealClockTest, AConditionOnANotificationIsSeenWithoutTheMutexBeingReleased) {
  RealClock clock;
  absl::Mutex mu;
  absl::Notification n;
  auto notified = [&n] { return n.HasBeenNotified(); };
  bool result = false;
  std::thread waiter([&] {
    absl::MutexLock lock(&mu);
    result = clock.AwaitWithDeadline(&mu, absl::Condition(&notified), absl::InfiniteFuture());
  });
  // Most likely waiting by now (if not, it finds `n` notified at once); without the recheck
  // the wait would never end.
  absl::SleepFor(absl::Milliseconds(50));
  n.Notify();  // Not under `mu`: the wait sees it at its next recheck.
  waiter.join();
  EXPECT_TRUE(result);
}

TEST(RealClockTest, AWaitEndsAtItsDeadline) {
  RealClock clock;
  absl::Mutex mu;
  absl::Notification never;
  EXPECT_FALSE(clock.WaitForNotification(never, clock.Now() + absl::Milliseconds(1)));
  absl::MutexLock lock(&mu);
  const bool no = false;
  EXPECT_FALSE(
      clock.AwaitWithDeadline(&mu, absl::Condition(&no), clock.Now() + absl::Milliseconds(1)));
}

}  // namespace
}  // namespace caawatch
