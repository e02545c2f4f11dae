// The one worst-first order of finding verdicts and the severity each one alerts with (SPEC §2
// "alert"): it combines the verdicts of a certificate's names, and decides whether a
// re-evaluation on late data deserves a new alert.
//
// SPEC §2 orders verdicts only by severity: critical (forbidden) > warning (likely_forbidden,
// unknown_issuer, dns_indeterminate, unexpected_issuer) > a warning only when its retrospective
// evaluation forbids (no_data) > none (permitted, permitted_conditional, exempt). Within one
// severity the order is ours, worst first:
//   forbidden > likely_forbidden > dns_indeterminate > unknown_issuer > unexpected_issuer >
//   no_data > permitted_conditional > permitted > exempt
// log_misbehaviour and malformed_cert are not judged on CAA and rank below exempt.
#ifndef CAAWATCH_JUDGE_VERDICT_ORDER_H_
#define CAAWATCH_JUDGE_VERDICT_ORDER_H_

#include <optional>

#include "store/records.pb.h"
#include "store/verdict.h"

namespace caawatch::judge {

// 0 for the worst verdict (forbidden), increasing towards the harmless ones; nullopt (a name
// this build does not know, e.g. written by a newer caawatch) ranks below every verdict.
int VerdictRank(std::optional<store::Verdict> verdict);

// The severity a certificate finding with this CAA verdict alerts with (SPEC §2): no_data is a
// warning only when `retrospective_forbids`. Precondition: not log_misbehaviour or
// malformed_cert, whose severity depends on what happened (tail/).
store::Severity SeverityOf(store::Verdict verdict, bool retrospective_forbids);

struct RatedVerdict {
  std::optional<store::Verdict> verdict;  // nullopt: unknown to this build.
  store::Severity severity = store::Severity::kInfo;
};
// A stored finding's verdict and severity; a name this build does not know becomes nullopt
// (verdict) or kInfo (severity).
RatedVerdict RatingOf(const store::FindingRecord& finding);

// Whether `now` is strictly worse than `before`: a higher severity, or the same severity and a
// worse-ranked verdict.
bool IsWorse(const RatedVerdict& now, const RatedVerdict& before);
// Whether a re-evaluation from `before` to `now` raises a new alert: only a change to a worse
// verdict that alerts at all (critical or warning). An improvement, an equal verdict or a worse
// but silent one (e.g. permitted -> permitted_conditional) is stored without an alert.
bool DeservesNewAlert(const RatedVerdict& now, const RatedVerdict& before);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_VERDICT_ORDER_H_
