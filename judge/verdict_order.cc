#include "judge/verdict_order.h"

#include <iterator>

namespace caawatch::judge {

using store::Severity;
using store::Verdict;

int VerdictRank(std::optional<Verdict> verdict) {
  static constexpr Verdict kWorstFirst[] = {
      Verdict::kForbidden,
      Verdict::kLikelyForbidden,
      Verdict::kDnsIndeterminate,
      Verdict::kUnknownIssuer,
      Verdict::kUnexpectedIssuer,
      Verdict::kNoData,
      Verdict::kPermittedConditional,
      Verdict::kPermitted,
      Verdict::kExempt,
      Verdict::kLogMisbehaviour,
      Verdict::kMalformedCert,
      Verdict::kCaaBreaksRenewal,
  };
  static_assert(std::size(kWorstFirst) == std::size(store::kAllVerdicts),
                "every verdict has its rank");
  constexpr int kCount = std::size(kWorstFirst);
  for (int i = 0; verdict && i < kCount; ++i) {
    if (*verdict == kWorstFirst[i]) return i;
  }
  return kCount;
}

Severity SeverityOf(Verdict verdict, bool retrospective_forbids) {
  switch (verdict) {
    case Verdict::kForbidden:
      return Severity::kCritical;
    case Verdict::kLikelyForbidden:
    case Verdict::kUnknownIssuer:
    case Verdict::kDnsIndeterminate:
    case Verdict::kUnexpectedIssuer:
      return Severity::kWarning;
    case Verdict::kNoData:
      return retrospective_forbids ? Severity::kWarning : Severity::kInfo;
    case Verdict::kPermitted:
    case Verdict::kPermittedConditional:
    case Verdict::kExempt:
    case Verdict::kLogMisbehaviour:
    case Verdict::kMalformedCert:
      return Severity::kInfo;
    case Verdict::kCaaBreaksRenewal:
      return Severity::kWarning;
  }
  return Severity::kInfo;
}

RatedVerdict RatingOf(const store::FindingRecord& finding) {
  RatedVerdict rated;
  if (absl::StatusOr<Verdict> v = store::VerdictFromName(finding.verdict()); v.ok()) {
    rated.verdict = *v;
  }
  rated.severity = store::SeverityFromName(finding.severity()).value_or(Severity::kInfo);
  return rated;
}

bool IsWorse(const RatedVerdict& now, const RatedVerdict& before) {
  if (now.severity != before.severity) return now.severity > before.severity;
  return VerdictRank(now.verdict) < VerdictRank(before.verdict);
}

bool DeservesNewAlert(const RatedVerdict& now, const RatedVerdict& before) {
  return now.severity > Severity::kInfo && IsWorse(now, before);
}

}  // namespace caawatch::judge
