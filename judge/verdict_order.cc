#include "judge/verdict_order.h"

namespace caawatch::judge {

int VerdictRank(absl::string_view verdict) {
  static constexpr absl::string_view kWorstFirst[] = {"forbidden",
                                                      "likely_forbidden",
                                                      "dns_indeterminate",
                                                      "unknown_issuer",
                                                      "unexpected_issuer",
                                                      "no_data",
                                                      "permitted_conditional",
                                                      "permitted",
                                                      "exempt"};
  constexpr int kCount = sizeof(kWorstFirst) / sizeof(kWorstFirst[0]);
  for (int i = 0; i < kCount; ++i) {
    if (verdict == kWorstFirst[i]) return i;
  }
  return kCount;
}

int SeverityLevel(absl::string_view severity) {
  if (severity == "critical") return 2;
  if (severity == "warning") return 1;
  return 0;
}

bool IsWorse(const RatedVerdict& now, const RatedVerdict& before) {
  const int now_level = SeverityLevel(now.severity);
  const int before_level = SeverityLevel(before.severity);
  if (now_level != before_level) return now_level > before_level;
  return VerdictRank(now.verdict) < VerdictRank(before.verdict);
}

bool DeservesNewAlert(const RatedVerdict& now, const RatedVerdict& before) {
  return SeverityLevel(now.severity) > 0 && IsWorse(now, before);
}

}  // namespace caawatch::judge
