// Re-evaluation on late data (SPEC §2-§3, caa-rules.md §8.7): when a CAA answer changes after
// findings were judged, or the CA map learns an issuer that was unknown, the findings it can
// affect are judged again from the stored history; the new evaluation is stored (the old one
// stays in the finding's history) and a new alert is raised only when the verdict got worse
// (monitor/verdict_order.h). A noted name reads the findings at or below it through the
// store's name index; only when too many names are noted at once is everything issued in their
// time range read, through the reeval index. Either way in pages: every affected finding is
// judged, with a page of findings in memory.
#ifndef CAAWATCH_JUDGE_REEVALUATOR_H_
#define CAAWATCH_JUDGE_REEVALUATOR_H_

#include <map>
#include <optional>
#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "judge/alert_hub.h"
#include "judge/caa_observer.h"
#include "judge/issuance_evaluator.h"
#include "judge/watch_source.h"
#include "store/store.h"

namespace caawatch::judge {

struct ReevaluatorOptions {
  // A new observation of a name at F can change only findings judged before F whose windows
  // end before F (judged by interpolation, by their parents, or retrospectively across the
  // stretch it ends); only those whose windows end at most max(min_check_validity, TTL) + slack
  // before F are judged again (findings are looked up immediately on arrival, so the stretch
  // between a finding and the next observation of its names is short).
  absl::Duration min_check_validity = absl::Hours(8);
  absl::Duration max_ttl = absl::Hours(24 * 7);
  absl::Duration slack = absl::Hours(1);
  // Findings read from the store at a time (a run reads as many pages as it needs).
  size_t findings_per_page = 10000;
  size_t max_pending_names = 10000;  // Beyond this, notes collapse into one time range.
};

// Borrowed; all must outlive the re-evaluator.
struct ReevaluatorDeps {
  store::Findings* findings = nullptr;
  IssuanceEvaluator* evaluator = nullptr;
  const WatchSource* watches = nullptr;
  AlertHub* alerts = nullptr;
  const Clock* clock = nullptr;
  const Logger* logger = nullptr;  // May be null.
};

struct ReevaluationStats {
  size_t examined = 0;   // Candidates judged again.
  size_t changed = 0;    // Stored with a new evaluation.
  size_t realerted = 0;  // Of those, moved to a new seq because the verdict got worse.
};

// Thread-safe. Note() is what CaaObserver calls; the Run*/Reevaluate* methods do the work and
// are meant for one thread (the supervisor's CAA poller).
class Reevaluator {
 public:
  Reevaluator(ReevaluatorDeps deps, ReevaluatorOptions options = {});

  // Remembers that `observation` may affect earlier findings. Cheap; bounded memory.
  void Note(const NewObservation& observation);

  // Re-evaluates the findings the noted observations may affect, then forgets the notes.
  // Errors only when the store fails (the notes are kept for the next run).
  [[nodiscard]] absl::StatusOr<ReevaluationStats> RunPending();

  // After the CA map changed: re-evaluates the unknown_issuer findings whose issuer the map
  // knows now.
  [[nodiscard]] absl::StatusOr<ReevaluationStats> ReevaluateUnknownIssuers();

 private:
  struct Range {
    absl::Time from;
    absl::Time to;
  };

  // Judges `candidates` again and stores what changed; `because` goes into their history.
  absl::Status Apply(const std::vector<store::FindingRecord>& candidates,
                     const std::string& because, ReevaluationStats* stats);

  const ReevaluatorDeps deps_;
  const ReevaluatorOptions options_;
  absl::Mutex mu_;
  std::map<std::string, Range> pending_ ABSL_GUARDED_BY(mu_);  // By query name.
  std::optional<Range> overflow_ ABSL_GUARDED_BY(mu_);         // Notes of any name.
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_REEVALUATOR_H_
