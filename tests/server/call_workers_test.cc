// The bounded workers that run blocking calls off gRPC's threads: a full queue refuses, and a
// shutdown finishes what waits and lets what runs end.
#include "server/call_workers.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace caawatch::server {
namespace {

TEST(CallWorkersTest, RunsTasksInOrderAndRefusesOneMoreThanTheQueueHolds) {
  CallWorkers workers({.threads = 1, .max_queued = 2});
  absl::Notification started, release;
  std::vector<int> ran;  // Written by the one worker thread only.
  ASSERT_TRUE(workers.TrySchedule([&](bool run) {
    started.Notify();
    release.WaitForNotification();
    ran.push_back(0);
  }));
  started.WaitForNotification();  // The thread is busy: the next tasks wait.
  ASSERT_TRUE(workers.TrySchedule([&](bool run) { ran.push_back(run ? 1 : -1); }));
  ASSERT_TRUE(workers.TrySchedule([&](bool run) { ran.push_back(run ? 2 : -2); }));
  EXPECT_FALSE(workers.TrySchedule([&](bool) { ran.push_back(3); }));
  absl::Notification last;
  release.Notify();
  while (!workers.TrySchedule([&](bool) { last.Notify(); })) std::this_thread::yield();
  last.WaitForNotification();
  EXPECT_EQ(ran, (std::vector<int>{0, 1, 2}));
}

TEST(CallWorkersTest, ShutdownFinishesWaitingTasksUnrunAndLetsTheRunningOneEnd) {
  CallWorkers workers({.threads = 1, .max_queued = 4});
  absl::Notification started, release;
  std::atomic<bool> running_ran{false};
  ASSERT_TRUE(workers.TrySchedule([&](bool run) {
    started.Notify();
    release.WaitForNotification();
    running_ran = run;
  }));
  started.WaitForNotification();
  absl::Notification unrun;
  ASSERT_TRUE(workers.TrySchedule([&](bool run) {
    if (!run) unrun.Notify();
  }));
  std::thread stopper([&] { workers.Shutdown(); });
  unrun.WaitForNotification();  // Told at once, while the running task still runs.
  EXPECT_FALSE(running_ran);
  EXPECT_FALSE(workers.TrySchedule([](bool) {}));
  release.Notify();
  stopper.join();  // Returns once the running task has ended.
  EXPECT_TRUE(running_ran);
}

}  // namespace
}  // namespace caawatch::server
