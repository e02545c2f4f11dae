#include "judge/alert_hub.h"

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace caawatch::judge {
namespace {

TEST(AlertHubTest, PublishReachesEverySubscriberWithTheSeq) {
  AlertHub hub;
  std::vector<uint64_t> a, b;
  hub.Subscribe([&a](uint64_t seq) { a.push_back(seq); });
  hub.Subscribe([&b](uint64_t seq) { b.push_back(seq); });
  hub.Publish(7);
  hub.Publish(9);
  EXPECT_EQ(a, (std::vector<uint64_t>{7, 9}));
  EXPECT_EQ(b, (std::vector<uint64_t>{7, 9}));
  EXPECT_EQ(hub.last_published(), 9u);
}

TEST(AlertHubTest, UnsubscribedCallbackIsNeverCalledAgain) {
  AlertHub hub;
  int calls = 0;
  AlertHub::SubscriptionId id = hub.Subscribe([&calls](uint64_t) { ++calls; });
  hub.Publish(1);
  hub.Unsubscribe(id);
  hub.Publish(2);
  EXPECT_EQ(calls, 1);
  EXPECT_EQ(hub.subscriber_count(), 0u);
  hub.Unsubscribe(id);  // Unknown ids are ignored.
}

TEST(AlertHubTest, LastPublishedNeverGoesBackwards) {
  AlertHub hub;
  hub.Publish(5);
  hub.Publish(3);
  EXPECT_EQ(hub.last_published(), 5u);
}

TEST(AlertHubTest, UnsubscribeWaitsForACallbackInProgress) {
  AlertHub hub;
  absl::Notification entered, release;
  std::atomic<bool> callback_finished{false};
  AlertHub::SubscriptionId id = hub.Subscribe([&](uint64_t) {
    entered.Notify();
    release.WaitForNotification();
    callback_finished = true;
  });
  std::thread publisher([&hub] { hub.Publish(1); });
  entered.WaitForNotification();
  absl::Notification unsubscribing, unsubscribed;
  std::atomic<bool> finished_when_unsubscribed{false};
  std::thread unsubscriber([&] {
    unsubscribing.Notify();
    hub.Unsubscribe(id);
    finished_when_unsubscribed = callback_finished.load();
    unsubscribed.Notify();
  });
  // The callback is held: an Unsubscribe that did not wait for it would return now. (The wait
  // bounds how long a wrong hub has to show it; a right one never returns before the release.)
  unsubscribing.WaitForNotification();
  EXPECT_FALSE(unsubscribed.WaitForNotificationWithTimeout(absl::Milliseconds(300)));
  release.Notify();
  unsubscriber.join();
  publisher.join();
  EXPECT_TRUE(finished_when_unsubscribed);
}

TEST(AlertHubTest, AwaitSubscriberCountSeesUnsubscribeFromAnotherThread) {
  AlertHub hub;
  AlertHub::SubscriptionId id = hub.Subscribe([](uint64_t) {});
  EXPECT_FALSE(hub.AwaitSubscriberCount(0, absl::ZeroDuration()));
  std::thread t([&hub, id] { hub.Unsubscribe(id); });
  EXPECT_TRUE(hub.AwaitSubscriberCount(0, absl::Seconds(10)));
  t.join();
}

}  // namespace
}  // namespace caawatch::judge
