// `caawatch caa history` and `caawatch caa check --at` against the store a real `caawatch run
// --once` filled: the observations of a name and of its search path, and an evaluation at a past
// time from them (SPEC §4).
#include <set>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;

using CaaHistoryCliTest = testing::EndToEndFixture;

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%SZ", t, absl::UTCTimeZone());
}

TEST_F(CaaHistoryCliTest, HistoryListsTheNameAndItsSearchPathAndCheckAtUsesThem) {
  const absl::Time before_run = absl::Now();
  auto log = StartLog({.noise = 0, .plants = {"--plant", "www.forbidden.test:letsencrypt"}});
  const CommandResult run = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(120));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  // The certificate's arrival looked up www.forbidden.test; the poller its parents.
  const CommandResult history = Cli({"caa", "history", "WWW.forbidden.test.", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  const std::vector<nlohmann::json> lines = JsonLines(history.out);
  std::vector<std::string> names;
  for (const nlohmann::json& l : lines) names.push_back(l["query_name"]);
  ASSERT_GE(lines.size(), 3u) << history.out;
  EXPECT_EQ(names.front(), "www.forbidden.test");  // Most specific first.
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()),
            (std::set<std::string>{"www.forbidden.test", "forbidden.test", "test"}));
  for (const nlohmann::json& l : lines) {
    for (const char* key : {"first_seen", "last_seen", "outcome", "rcode", "dnssec", "ttl",
                            "records", "cname_chain", "raw_answer"}) {
      EXPECT_TRUE(l.contains(key)) << key << " in " << l.dump();
    }
    // www.forbidden.test does not exist: NXDOMAIN, which the search reads as empty.
    // Spelled as in findings.
    EXPECT_EQ(l["rcode"], l["query_name"] == "www.forbidden.test" ? "nxdomain" : "noerror")
        << l.dump();
    EXPECT_EQ(l["dnssec"], "off");  // run --dnssec off: said so, not "indeterminate".
    EXPECT_TRUE(l["first_seen"].get<std::string>().ends_with("Z"));
    EXPECT_EQ(l["first_seen"].get<std::string>().size(), 24u) << "three fractional digits";
    EXPECT_FALSE(l["raw_answer"].get<std::string>().empty());
    if (l["query_name"] == "forbidden.test") {
      ASSERT_EQ(l["records"].size(), 1u);
      EXPECT_EQ(l["records"][0]["tag"], "issue");
      EXPECT_EQ(l["records"][0]["value"], "pki.goog");
    } else {
      EXPECT_TRUE(l["records"].empty()) << l.dump();
    }
  }
  const CommandResult table = Cli({"caa", "history", "www.forbidden.test"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_NE(table.out.find("QUERY NAME"), std::string::npos) << table.out;
  EXPECT_NE(table.out.find("pki.goog"), std::string::npos) << table.out;
  const CommandResult none = Cli({"caa", "history", "nowhere.example"});
  EXPECT_EQ(none.exit_code, 0) << none.err;
  EXPECT_NE(none.out.find("no CAA observations"), std::string::npos) << none.out;
  EXPECT_NE(Cli({"caa", "history"}).exit_code, 0);

  // Against that history: now Let's Encrypt is forbidden and Google permitted; before caawatch
  // looked at all there is no data.
  auto check = [&](const std::string& issuer, absl::Time at) {
    return Cli(
        {"caa", "check", "www.forbidden.test", "--issuer", issuer, "--at", Rfc3339(at), "--json"});
  };
  const absl::Time now = absl::Now() + absl::Seconds(1);
  const CommandResult forbidden = check("letsencrypt.org", now);
  EXPECT_EQ(forbidden.exit_code, 1) << forbidden.err << forbidden.out;
  EXPECT_EQ(nlohmann::json::parse(forbidden.out)["verdict"], "forbidden");
  EXPECT_EQ(nlohmann::json::parse(forbidden.out)["names"][0]["relevant_name"], "forbidden.test");
  const CommandResult permitted = check("pki.goog", now);
  EXPECT_EQ(permitted.exit_code, 0) << permitted.err << permitted.out;
  EXPECT_EQ(nlohmann::json::parse(permitted.out)["verdict"], "permitted");
  const CommandResult early = check("letsencrypt.org", before_run - absl::Hours(24));
  EXPECT_EQ(early.exit_code, 2) << early.err << early.out;
  EXPECT_EQ(nlohmann::json::parse(early.out)["verdict"], "no_data");
}

}  // namespace
}  // namespace caawatch
