// The renewal guard (SPEC §8, issue 20): when a CAA change is observed (a lookup answer or a
// followed zone's change) that forbids a CA which issued for the changed name or below in the
// last 90 days, caawatch says so once: a `caa_breaks_renewal` finding (stored, alerted, handed
// to every sink like any finding), and a WARNING line. Fed as the Reevaluator is: Note() from
// the observers, RunPending() from the supervisor's loop.
#ifndef CAAWATCH_JUDGE_RENEWAL_GUARD_H_
#define CAAWATCH_JUDGE_RENEWAL_GUARD_H_

#include <cstddef>
#include <set>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "judge/alert_hub.h"
#include "judge/caa_observer.h"
#include "judge/zone_history.h"
#include "store/store.h"

namespace caawatch::judge {

struct RenewalGuardOptions {
  absl::Duration recent = absl::Hours(24 * 90);  // Issued this recently: a renewal is due.
  size_t max_pending_names = 10000;  // Notes beyond it are dropped (a warning says how many).
  size_t max_certificates = 100000;  // Read per noted name (the newest kept).
};

// Borrowed; all must outlive the guard.
struct RenewalGuardDeps {
  store::Store* store = nullptr;
  const ZoneHistory* zones = nullptr;  // May be null: no followed zone.
  AlertHub* alerts = nullptr;
  const Clock* clock = nullptr;
  const Logger* logger = nullptr;  // May be null.
};

// Thread-safe. Note() is what the CAA observer and the zone followers call; RunPending() is
// for one thread (the supervisor's CAA poller).
class RenewalGuard {
 public:
  explicit RenewalGuard(RenewalGuardDeps deps, RenewalGuardOptions options = {});

  // Remembers that `observation`'s name changed. Cheap; bounded memory.
  void Note(const NewObservation& observation);

  // For each noted name: the CAs that issued for it or below within `recent` whose last such
  // issuance the records in force now forbid (judge/caa_suggestion.h RenewalsForbidden), where
  // the forbidding state started after that issuance. Each becomes one finding, keyed by (CA
  // identifier, name, first_seen of the newest observation the records in force rest on), so
  // that later polls of the same state and restarts store nothing new; nor does a later state
  // with the same records in force for the same CA and name. Returns how many were stored.
  // Errors only when the store fails (the notes are kept for the next run).
  [[nodiscard]] absl::StatusOr<size_t> RunPending();

 private:
  const RenewalGuardDeps deps_;
  const RenewalGuardOptions options_;
  absl::Mutex mu_;
  std::set<std::string> pending_ ABSL_GUARDED_BY(mu_);  // Query names.
  size_t dropped_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_RENEWAL_GUARD_H_
