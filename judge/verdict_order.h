// The order of finding verdicts by severity (SPEC §2), used to combine the verdicts of a
// certificate's names and to decide whether a re-evaluation on late data deserves a new alert.
//
// Severity first: critical (forbidden) > warning (likely_forbidden, dns_indeterminate,
// unknown_issuer, unexpected_issuer, no_data whose retrospective evaluation forbids) > info.
// Within one severity, worst first:
//   forbidden > likely_forbidden > dns_indeterminate > unknown_issuer > unexpected_issuer >
//   no_data > permitted_conditional > permitted > exempt
// A verdict the evaluator does not produce ranks below exempt.
#ifndef CAAWATCH_JUDGE_VERDICT_ORDER_H_
#define CAAWATCH_JUDGE_VERDICT_ORDER_H_

#include "absl/strings/string_view.h"

namespace caawatch::judge {

// 0 for the worst verdict ("forbidden"), increasing towards the harmless ones.
int VerdictRank(absl::string_view verdict);
// 2 critical, 1 warning, 0 info (or anything else).
int SeverityLevel(absl::string_view severity);

struct RatedVerdict {
  absl::string_view verdict;
  absl::string_view severity;
};

// Whether `now` is strictly worse than `before`: a higher severity, or the same severity and a
// worse-ranked verdict.
bool IsWorse(const RatedVerdict& now, const RatedVerdict& before);
// Whether a re-evaluation from `before` to `now` raises a new alert: only a change to a worse
// verdict that alerts at all (critical or warning). An improvement, an equal verdict or a worse
// but silent one (e.g. permitted -> permitted_conditional) is stored without an alert.
bool DeservesNewAlert(const RatedVerdict& now, const RatedVerdict& before);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_VERDICT_ORDER_H_
