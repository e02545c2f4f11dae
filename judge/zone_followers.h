// The followed zones of a monitor on one thread (issue 18): each zone is refreshed when its
// ZoneFollower says it is due (SOA timers) and at once after an accepted NOTIFY
// (NotifyListener calls Notified). Waits go through the Clock. Transfer failures are logged
// and retried at the SOA's retry time; they never stop the monitor. Each zone's status is
// written to the store (store/followed_zones.h) after every refresh and accepted NOTIFY, for
// `status` and the health check. Thread-safe.
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
  // The cross-check found a lookup answer for a name in `zone` that disagrees with it: noted
  // in the zone's status (and the store). True when it is news (ZoneFollower::NoteDisagreement).
  bool NoteDisagreement(const std::string& zone, const std::string& text);
  std::vector<ZoneFollowStatus> Status() const;
  // The same as the store's records (what Persist writes).
  std::vector<store::ZoneStatusRecord> StatusRecords() const;
  // Who may NOTIFY about each zone (its primaries' addresses, its TSIG key).
  std::vector<caa::NotifySource> NotifySources() const;
  std::vector<std::string> zones() const;
  bool empty() const { return followers_.empty(); }

 private:
  void Loop();
  // Writes `f`'s status record; a failure is logged (the next refresh writes it again).
  void Persist(const ZoneFollower& f) const;
  store::ZoneStatusRecord RecordOf(const ZoneFollowStatus& st) const;
  bool ShouldWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || wake_; }

  store::Store* const store_;
  const Logger* const logger_;
  const Clock* const clock_;
  std::vector<std::unique_ptr<ZoneFollower>> followers_;
  absl::Mutex refresh_mu_;  // One refresh at a time (the thread, or RefreshDue).
  mutable absl::Mutex persist_mu_;  // One status write at a time (Persist).
  mutable absl::Mutex mu_;
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  bool wake_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ZONE_FOLLOWERS_H_
