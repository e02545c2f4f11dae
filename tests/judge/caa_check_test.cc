// `caa check` and gRPC CheckCaa: names as users type them are checked as the DomainName a CA
// checks, and a name that is none is refused, quoted.
#include "judge/caa_check.h"

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "base/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/judge/fake_caa_resolver.h"

namespace caawatch::judge {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

TEST(CaaCheckerTest, AUnicodeNameIsCheckedAsItsALabels) {
  FakeClock clock(absl::FromUnixSeconds(1764345600));
  testing::FakeCaaResolver resolver(&clock);
  resolver.Set("xn--bcher-kva.example", {{0, "issue", "pki.goog"}});
  CaaChecker checker(&resolver, nullptr);
  absl::StatusOr<CaaCheckResult> result =
      checker.CheckNames({"*.B\u00DCCHER\uFF0Eexample"}, {"letsencrypt.org"}, std::nullopt);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->names.size(), 1u);
  EXPECT_EQ(result->names[0].name, "*.xn--bcher-kva.example");
  EXPECT_EQ(result->names[0].relevant_name, "xn--bcher-kva.example");
  EXPECT_EQ(result->verdict, store::Verdict::kForbidden);
}

TEST(CaaCheckerTest, ANameThatIsNoDomainNameIsRefusedQuoted) {
  FakeClock clock(absl::FromUnixSeconds(1764345600));
  testing::FakeCaaResolver resolver(&clock);
  CaaChecker checker(&resolver, nullptr);
  absl::StatusOr<CaaCheckResult> result =
      checker.CheckNames({"evil\n\x1b[31m.example"}, {"letsencrypt.org"}, std::nullopt);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("\"evil\\n\\x1b[31m.example\""));
  EXPECT_THAT(result.status().message(), Not(HasSubstr("\n")));
  EXPECT_EQ(resolver.lookups(), 0);
}

}  // namespace
}  // namespace caawatch::judge
