// What the Supervisor's loop tells a service manager (monitor/service_notices.h), against a
// manager that records each message as systemd would receive it.
#include "monitor/service_notices.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::monitor {
namespace {

using ::testing::ElementsAre;

class RecordingManager : public ServiceManager {
 public:
  explicit RecordingManager(absl::Duration watchdog) : watchdog_(watchdog) {}
  void Notify(absl::string_view state) const override { sent.emplace_back(state); }
  absl::Duration watchdog_interval() const override { return watchdog_; }
  mutable std::vector<std::string> sent;

 private:
  absl::Duration watchdog_;
};

TEST(ServiceNoticesTest, WatchdogOnlyWhenTheLoopTurnsAndItIsDue) {
  RecordingManager manager(absl::Seconds(10));
  ServiceNotices notices(&manager);
  notices.Ready("tailing");
  manager.sent.clear();
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  EXPECT_EQ(notices.Tick(t0), t0 + absl::Seconds(10));
  EXPECT_EQ(notices.Tick(t0 + absl::Seconds(5)), t0 + absl::Seconds(10));
  // A loop that does not turn for a minute sends nothing meanwhile, one ping when it turns.
  EXPECT_EQ(notices.Tick(t0 + absl::Seconds(70)), t0 + absl::Seconds(80));
  EXPECT_THAT(manager.sent, ElementsAre("WATCHDOG=1", "WATCHDOG=1"));
}

TEST(ServiceNoticesTest, NoWatchdogWithoutAnInterval) {
  RecordingManager manager(absl::InfiniteDuration());
  ServiceNotices notices(&manager);
  notices.Ready("tailing");
  manager.sent.clear();
  EXPECT_EQ(notices.Tick(absl::UnixEpoch()), absl::InfiniteFuture());
  EXPECT_TRUE(manager.sent.empty());
}

// systemd kills a unit that is not READY within TimeoutStartSec=; a first CAA poll of millions
// of names can take longer, and is progress while the loop turns.
TEST(ServiceNoticesTest, StartTimeoutExtendedWhileTheLoopTurnsUntilReady) {
  RecordingManager manager(absl::InfiniteDuration());
  ServiceNotices notices(&manager);
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  EXPECT_EQ(notices.Tick(t0), t0 + absl::Seconds(30));
  EXPECT_EQ(notices.Tick(t0 + absl::Seconds(10)), t0 + absl::Seconds(30));
  EXPECT_EQ(notices.Tick(t0 + absl::Seconds(31)), t0 + absl::Seconds(61));
  notices.Ready("tailing");
  EXPECT_EQ(notices.Tick(t0 + absl::Seconds(70)), absl::InfiniteFuture());
  EXPECT_THAT(manager.sent, ElementsAre("EXTEND_TIMEOUT_USEC=90000000",
                                        "EXTEND_TIMEOUT_USEC=90000000", "READY=1\nSTATUS=tailing"));
}

TEST(ServiceNoticesTest, ExtensionAndWatchdogShareTheWakeUps) {
  RecordingManager manager(absl::Seconds(10));
  ServiceNotices notices(&manager);
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  EXPECT_EQ(notices.Tick(t0), t0 + absl::Seconds(10));
  EXPECT_EQ(notices.Tick(t0 + absl::Seconds(30)), t0 + absl::Seconds(40));
  EXPECT_THAT(manager.sent, ElementsAre("EXTEND_TIMEOUT_USEC=90000000", "WATCHDOG=1",
                                        "EXTEND_TIMEOUT_USEC=90000000", "WATCHDOG=1"));
}

TEST(ServiceNoticesTest, ReadyOnceStatusOnChangeOneLineStoppingAtTheEnd) {
  RecordingManager manager(absl::InfiniteDuration());
  ServiceNotices notices(&manager);
  notices.Status("first CAA poll of 2 watch entries");
  notices.Status("first CAA poll of 2 watch entries");
  EXPECT_FALSE(notices.ready());
  notices.Ready("tailing 1 logs\nREADY=1");
  notices.Ready("tailing 2 logs");
  EXPECT_TRUE(notices.ready());
  notices.Status("tailing 1 logs READY=1");  // What was sent: unchanged.
  notices.Stopping();
  EXPECT_THAT(manager.sent, ElementsAre("STATUS=first CAA poll of 2 watch entries",
                                        "READY=1\nSTATUS=tailing 1 logs READY=1",
                                        "STOPPING=1\nSTATUS=stopping: committing and ending"));
}

TEST(ServiceNoticesTest, WithoutAManagerNothingHappens) {
  ServiceNotices notices(nullptr);
  EXPECT_EQ(notices.Tick(absl::UnixEpoch()), absl::InfiniteFuture());
  notices.Ready("x");
  notices.Stopping();
  EXPECT_FALSE(notices.ready());
}

}  // namespace
}  // namespace caawatch::monitor
