// The severity order of verdicts (monitor/verdict_order.h) that decides whether a re-evaluation
// on late data raises a new alert.
#include "judge/verdict_order.h"

#include "gtest/gtest.h"

namespace caawatch::judge {
namespace {

TEST(VerdictOrderTest, VerdictsRankWorstFirstAsSpecSectionTwoOrdersTheirAlerts) {
  const char* const kWorstFirst[] = {"forbidden",
                                     "likely_forbidden",
                                     "dns_indeterminate",
                                     "unknown_issuer",
                                     "unexpected_issuer",
                                     "no_data",
                                     "permitted_conditional",
                                     "permitted",
                                     "exempt"};
  for (size_t i = 1; i < sizeof(kWorstFirst) / sizeof(kWorstFirst[0]); ++i) {
    EXPECT_LT(VerdictRank(kWorstFirst[i - 1]), VerdictRank(kWorstFirst[i])) << kWorstFirst[i];
  }
  EXPECT_GT(VerdictRank("something new"), VerdictRank("exempt"));
}

TEST(VerdictOrderTest, OnlyAChangeToAWorseAlertingVerdictDeservesANewAlert) {
  struct Case {
    RatedVerdict before, now;
    bool alert;
  };
  const Case kCases[] = {
      {{"unknown_issuer", "warning"}, {"forbidden", "critical"}, true},
      {{"permitted", "info"}, {"forbidden", "critical"}, true},
      {{"dns_indeterminate", "warning"}, {"likely_forbidden", "warning"}, true},
      {{"no_data", "info"}, {"no_data", "warning"}, true},  // Retrospective now forbids.
      {{"permitted", "info"}, {"dns_indeterminate", "warning"}, true},
      {{"forbidden", "critical"}, {"permitted", "info"}, false},      // Improvement.
      {{"forbidden", "critical"}, {"forbidden", "critical"}, false},  // Equal.
      {{"likely_forbidden", "warning"}, {"dns_indeterminate", "warning"}, false},
      {{"forbidden", "critical"}, {"likely_forbidden", "warning"}, false},
      {{"permitted", "info"}, {"permitted_conditional", "info"}, false},  // Worse but silent.
      {{"unknown_issuer", "warning"}, {"no_data", "warning"}, false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(std::string(c.before.verdict) + " -> " + std::string(c.now.verdict));
    EXPECT_EQ(DeservesNewAlert(c.now, c.before), c.alert);
  }
  EXPECT_TRUE(IsWorse({"permitted_conditional", "info"}, {"permitted", "info"}));
}

}  // namespace
}  // namespace caawatch::judge
