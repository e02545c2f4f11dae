// The followed zones of a monitor on one thread (issue 18): each zone is refreshed when its
// ZoneFollower says it is due (SOA timers) and at once after an accepted NOTIFY
// (NotifyListener calls Notified). Waits go through the Clock. Transfer failures are logged
// and retried at the SOA's retry time; they never stop the monitor. Thread-safe.
#ifndef CAAWATCH_JUDGE_ZONE_FOLLOWERS_H_
#define CAAWATCH_JUDGE_ZONE_FOLLOWERS_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "base/log.h"
#include "caa/zone_notify.h"
#include "judge/caa_observer.h"
#include "judge/zone_follower.h"
#include "store/store.h"

namespace caawatch::judge {

class ZoneFollowers {
 public:
  // Borrowed pointers; must outlive this. `max_gap` and `on_change` as ZoneFollower's.
  ZoneFollowers(std::vector<FollowedZoneSettings> zones, store::Store* store, const Clock* clock,
                const Logger* logger, absl::Duration max_gap,
                std::function<void(const NewObservation&)> on_change);
  ~ZoneFollowers();  // Stop().
  ZoneFollowers(const ZoneFollowers&) = delete;
  ZoneFollowers& operator=(const ZoneFollowers&) = delete;

  // Refreshes every zone that is due now (all of them before their first transfer), on the
  // caller's thread; failures are logged. `run` calls it before the first log batch, so that a
  // certificate logged after the start is judged against the zones' records.
  void RefreshDue();
  // Starts the thread that refreshes zones when due, until Stop().
  void Start();
  void Stop();
  // An accepted NOTIFY for `zone` (ignored for a zone not followed).
  void Notified(const std::string& zone, std::optional<uint32_t> serial);
  std::vector<ZoneFollowStatus> Status() const;
  // Who may NOTIFY about each zone (its primaries' addresses, its TSIG key).
  std::vector<caa::NotifySource> NotifySources() const;
  std::vector<std::string> zones() const;
  bool empty() const { return followers_.empty(); }

 private:
  void Loop();
  bool ShouldWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || wake_; }

  const Logger* const logger_;
  const Clock* const clock_;
  std::vector<std::unique_ptr<ZoneFollower>> followers_;
  absl::Mutex refresh_mu_;  // One refresh at a time (the thread, or RefreshDue).
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ZONE_FOLLOWERS_H_
