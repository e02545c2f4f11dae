// The worst-first order of verdicts and the severity each alerts with (judge/verdict_order.h),
// checked against the contract itself: the verdict table of SPEC §2 is read from
// $CAAWATCH_SHARED_DIR/docs/SPEC.md, so that the code and the SPEC cannot drift apart silently.
#include "judge/verdict_order.h"

#include <cstdlib>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "store/verdict.h"

namespace caawatch::judge {
namespace {

using store::Severity;
using store::Verdict;

// What SPEC §2 says a verdict alerts with: `low` when a no_data finding's retrospective
// evaluation does not forbid, `high` when it does (equal for every other verdict).
struct SpecAlert {
  Severity low;
  Severity high;
};

std::string ReadSpec() {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  EXPECT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR is not set";
  if (shared == nullptr) return "";
  std::ifstream in(std::string(shared) + "/docs/SPEC.md");
  EXPECT_TRUE(in.good()) << "cannot read " << shared << "/docs/SPEC.md";
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The text of SPEC §2, "What is a finding", up to the next section.
std::string SectionTwo(const std::string& spec) {
  const size_t start = spec.find("\n## 2.");
  EXPECT_NE(start, std::string::npos) << "SPEC.md has no section 2";
  if (start == std::string::npos) return "";
  const size_t end = spec.find("\n## ", start + 1);
  return spec.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

SpecAlert ParseAlert(absl::string_view text) {
  if (absl::StartsWith(text, "critical")) return {Severity::kCritical, Severity::kCritical};
  if (absl::StartsWith(text, "warning")) return {Severity::kWarning, Severity::kWarning};
  if (absl::StartsWith(text, "none")) return {Severity::kInfo, Severity::kInfo};
  if (absl::StartsWith(text, "only if that retrospective evaluation forbids, as warning")) {
    return {Severity::kInfo, Severity::kWarning};
  }
  ADD_FAILURE() << "SPEC §2: an alert this test does not know how to read: " << text;
  return {Severity::kInfo, Severity::kInfo};
}

// Verdict name -> alert, from the rows of SPEC §2's table ("| `name` | meaning | alert |") and
// from the sentence that adds `unexpected_issuer` below it.
std::map<std::string, SpecAlert> SpecVerdicts() {
  const std::string section = SectionTwo(ReadSpec());
  std::map<std::string, SpecAlert> out;
  for (absl::string_view line : absl::StrSplit(section, '\n')) {
    if (!absl::StartsWith(line, "| `")) continue;
    std::vector<absl::string_view> cells = absl::StrSplit(line, '|');
    // "", " `name` ", " meaning ", " alert ", "".
    if (cells.size() < 4) {
      ADD_FAILURE() << "SPEC §2: a table row this test cannot read: " << line;
      continue;
    }
    const std::string name(
        absl::StripSuffix(absl::StripPrefix(absl::StripAsciiWhitespace(cells[1]), "`"), "`"));
    out[name] = ParseAlert(absl::StripAsciiWhitespace(cells[cells.size() - 2]));
  }
  // "... a certificate from any other CA raises an\n`unexpected_issuer` warning."
  const std::regex extra("raises an\\s+`([a-z_]+)`\\s+(warning|critical)");
  for (std::sregex_iterator it(section.begin(), section.end(), extra), end; it != end; ++it) {
    out[(*it)[1]] = ParseAlert((*it)[2].str());
  }
  EXPECT_GE(out.size(), 9u) << "SPEC §2 lists fewer verdicts than this test expects to read";
  return out;
}

Verdict Parsed(const std::string& name) {
  absl::StatusOr<Verdict> v = store::VerdictFromName(name);
  EXPECT_TRUE(v.ok()) << "SPEC §2 verdict `" << name << "` is not ours: " << v.status();
  return v.value_or(Verdict::kMalformedCert);
}

TEST(VerdictOrderTest, OurVerdictsAreExactlyTheOnesSpecSectionTwoJudgesOnCaa) {
  const std::map<std::string, SpecAlert> spec = SpecVerdicts();
  for (const auto& [name, alert] : spec) {
    EXPECT_EQ(store::VerdictName(Parsed(name)), name);
  }
  for (const Verdict v : store::kAllVerdicts) {
    if (v == Verdict::kLogMisbehaviour || v == Verdict::kMalformedCert ||
        v == Verdict::kCaaBreaksRenewal) {
      continue;  // Kinds.
    }
    EXPECT_TRUE(spec.contains(store::VerdictName(v)))
        << store::VerdictName(v) << " is not in SPEC §2's verdicts";
  }
}

TEST(VerdictOrderTest, EachVerdictAlertsWithTheSeveritySpecSectionTwoGivesIt) {
  for (const auto& [name, alert] : SpecVerdicts()) {
    SCOPED_TRACE(name);
    EXPECT_EQ(store::SeverityName(SeverityOf(Parsed(name), /*retrospective_forbids=*/false)),
              store::SeverityName(alert.low));
    EXPECT_EQ(store::SeverityName(SeverityOf(Parsed(name), /*retrospective_forbids=*/true)),
              store::SeverityName(alert.high));
  }
}

// The rank combines a certificate's names into one verdict: a name whose verdict alerts louder
// (always at least as loud, and sometimes louder) must decide, else a forbidden name could hide
// behind a permitted one.
TEST(VerdictOrderTest, WorstFirstOrderPutsEveryLouderVerdictOfSpecSectionTwoFirst) {
  const std::map<std::string, SpecAlert> spec = SpecVerdicts();
  for (const auto& [a, alert_a] : spec) {
    for (const auto& [b, alert_b] : spec) {
      const bool louder = alert_a.low >= alert_b.high && alert_a.high > alert_b.low;
      if (!louder) continue;
      EXPECT_LT(VerdictRank(Parsed(a)), VerdictRank(Parsed(b))) << a << " alerts louder than " << b;
    }
    EXPECT_LT(VerdictRank(Parsed(a)), VerdictRank(std::nullopt)) << a;
  }
}

TEST(VerdictOrderTest, StoredNamesThisBuildDoesNotKnowRankBelowEveryVerdict) {
  store::FindingRecord f;
  f.set_verdict("something new");
  f.set_severity("loud");
  const RatedVerdict rated = RatingOf(f);
  EXPECT_FALSE(rated.verdict.has_value());
  EXPECT_EQ(rated.severity, Severity::kInfo);
  EXPECT_TRUE(IsWorse({Verdict::kExempt, Severity::kInfo}, rated));
}

TEST(VerdictOrderTest, OnlyAChangeToAWorseAlertingVerdictDeservesANewAlert) {
  struct Case {
    RatedVerdict before, now;
    bool alert;
  };
  const Case kCases[] = {
      {{Verdict::kUnknownIssuer, Severity::kWarning},
       {Verdict::kForbidden, Severity::kCritical},
       true},
      {{Verdict::kPermitted, Severity::kInfo}, {Verdict::kForbidden, Severity::kCritical}, true},
      {{Verdict::kDnsIndeterminate, Severity::kWarning},
       {Verdict::kLikelyForbidden, Severity::kWarning},
       true},
      // Retrospective now forbids.
      {{Verdict::kNoData, Severity::kInfo}, {Verdict::kNoData, Severity::kWarning}, true},
      {{Verdict::kPermitted, Severity::kInfo},
       {Verdict::kDnsIndeterminate, Severity::kWarning},
       true},
      // Improvement.
      {{Verdict::kForbidden, Severity::kCritical}, {Verdict::kPermitted, Severity::kInfo}, false},
      // Equal.
      {{Verdict::kForbidden, Severity::kCritical},
       {Verdict::kForbidden, Severity::kCritical},
       false},
      {{Verdict::kLikelyForbidden, Severity::kWarning},
       {Verdict::kDnsIndeterminate, Severity::kWarning},
       false},
      {{Verdict::kForbidden, Severity::kCritical},
       {Verdict::kLikelyForbidden, Severity::kWarning},
       false},
      // Worse but silent.
      {{Verdict::kPermitted, Severity::kInfo},
       {Verdict::kPermittedConditional, Severity::kInfo},
       false},
      {{Verdict::kUnknownIssuer, Severity::kWarning},
       {Verdict::kNoData, Severity::kWarning},
       false},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(store::VerdictName(*c.before.verdict) + " -> " +
                 store::VerdictName(*c.now.verdict));
    EXPECT_EQ(DeservesNewAlert(c.now, c.before), c.alert);
  }
  EXPECT_TRUE(IsWorse({Verdict::kPermittedConditional, Severity::kInfo},
                      {Verdict::kPermitted, Severity::kInfo}));
}

}  // namespace
}  // namespace caawatch::judge
