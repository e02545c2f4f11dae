// Fan-out of "the store has findings up to seq N" from the commit path to every live Subscribe
// stream. Carries only a number: subscribers read the alerts themselves from the store, so a
// slow subscriber never makes the hub buffer anything.
#ifndef CAAWATCH_JUDGE_ALERT_HUB_H_
#define CAAWATCH_JUDGE_ALERT_HUB_H_

#include <cstdint>
#include <functional>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caawatch::judge {

// Thread-safe. Callbacks run on the publishing thread and must be cheap and non-blocking (they
// only poke a reactor); they must not call Subscribe/Unsubscribe on the same hub.
class AlertHub {
 public:
  using SubscriptionId = uint64_t;
  using Callback = std::function<void(uint64_t last_seq)>;

  AlertHub() = default;
  AlertHub(const AlertHub&) = delete;
  AlertHub& operator=(const AlertHub&) = delete;

  // Call after a commit that created findings: `last_seq` is the highest seq now stored. Calls
  // every current callback once. A smaller `last_seq` than one published before is still
  // delivered (subscribers re-read the store either way) but does not lower last_published().
  void Publish(uint64_t last_seq);

  // Registers `callback`; it will see every Publish that starts after Subscribe returns.
  SubscriptionId Subscribe(Callback callback);

  // After Unsubscribe returns, `id`'s callback is not running and never runs again. Unknown ids
  // are ignored.
  void Unsubscribe(SubscriptionId id);

  uint64_t last_published() const;
  size_t subscriber_count() const;
  // Waits until exactly `count` callbacks are registered or `timeout` passes; returns whether
  // the count was reached. For shutdown paths and tests that must know streams have ended.
  bool AwaitSubscriberCount(size_t count, absl::Duration timeout) const;

 private:
  // Publish holds a reader lock while calling out, so Unsubscribe (writer) waits for any
  // callback in progress: that is the no-callback-after-return guarantee.
  mutable absl::Mutex mu_;
  std::map<SubscriptionId, Callback> callbacks_ ABSL_GUARDED_BY(mu_);
  SubscriptionId next_id_ ABSL_GUARDED_BY(mu_) = 1;
  uint64_t last_published_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ALERT_HUB_H_
