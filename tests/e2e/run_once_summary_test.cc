// `caawatch run --once` from cron (issue 16): it ends with a summary line (entries read per log,
// findings by verdict), `--fail-on critical|warning` makes the exit status say that something
// was found (3), and the first CAA poll says in one line how many names were answered, how many
// failed and why.
#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::RunCommand;

using RunOnceSummaryTest = testing::EndToEndFixture;

TEST_F(RunOnceSummaryTest, EndsWithASummaryAndFailOnSetsTheExitStatus) {
  std::unique_ptr<testing::Subprocess> log =
      StartLog({.noise = 40, .plants = {"--plant-on-signal", "www.forbidden.test:letsencrypt"}});
  // Noise only: the summary says what was read and that nothing was found; the first CAA poll
  // (forbidden.test, allowed.test and test: the search paths) says it was answered.
  const CommandResult first = RunCommand(RunArgs({"--once", "--fail-on", "critical"}), dir());
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_TRUE(absl::StrContains(first.err, " entries read (caawatch test log: ")) << first.err;
  EXPECT_FALSE(absl::StrContains(first.err, "done: 0 entries")) << first.err;
  EXPECT_TRUE(absl::StrContains(first.err, "findings: none")) << first.err;
  EXPECT_TRUE(absl::StrContains(first.err, "CAA poll: 3 names answered, 0 without an answer"))
      << first.err;

  // A certificate CAA forbids, logged after that poll: exit 3 with --fail-on critical.
  log->Signal(SIGUSR1);
  for (std::optional<std::string> line; (line = log->ReadLine(absl::Seconds(30)));) {
    if (absl::StartsWith(*line, "published ")) break;
  }
  const CommandResult found = RunCommand(RunArgs({"--once", "--fail-on", "critical"}), dir());
  EXPECT_EQ(found.exit_code, 3) << found.err;
  EXPECT_TRUE(absl::StrContains(found.err, "done: 2 entries read (caawatch test log: 2)"))
      << found.err;
  EXPECT_TRUE(absl::StrContains(found.err, "findings: 1 forbidden")) << found.err;
  bool logged_at_error = false;  // A critical finding is logged at ERROR.
  for (absl::string_view line : absl::StrSplit(found.err, '\n')) {
    logged_at_error |= absl::StrContains(line, " ERROR ") &&
                       absl::StrContains(line, " forbidden: www.forbidden.test");
  }
  EXPECT_TRUE(logged_at_error) << found.err;

  // Nothing new: exit 0 even with --fail-on warning, and the summary says so.
  const CommandResult again = RunCommand(RunArgs({"--once", "--fail-on", "warning"}), dir());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_TRUE(absl::StrContains(again.err, "done: 0 entries read (")) << again.err;
  EXPECT_TRUE(absl::StrContains(again.err, "findings: none")) << again.err;

  const CommandResult not_once = RunCommand(RunArgs({"--fail-on", "critical"}), dir());
  EXPECT_EQ(not_once.exit_code, 2) << not_once.err;
  EXPECT_TRUE(absl::StrContains(not_once.err, "--once")) << not_once.err;
}

TEST_F(RunOnceSummaryTest, AFirstCaaPollWithNoAnswerSaysWhy) {
  std::unique_ptr<testing::Subprocess> log = StartLog({.noise = 5, .plants = {}});
  const std::string config =
      WriteFile("config.json", R"({"dns_timeout": "300ms", "dns_retries": 0})");
  // A DNS server that does not answer: a port nobody listens on.
  const std::string silent = absl::StrCat("127.0.0.1:", testing::FreeTcpPort());
  const CommandResult run = RunCommand({caawatch(), "run", "--once", "--data-dir", data_dir(),
                                        "--log-list", loglist(), "--dns-server", silent, "--dnssec",
                                        "off", "--config", config, "--watch", "www.allowed.test"},
                                       dir());
  EXPECT_TRUE(absl::StrContains(run.err, "CAA poll: 0 names answered, 3 without an answer ("))
      << run.err;
}

// `--log-format json`: every stderr line is one JSON object with level, component, message and
// fields. At start each log says where it resumes and the list says what it is (source,
// version, date, count); a log list's per-log rate (certspotter_download_qps) is kept to and a
// catch-up says the rate it is held to; `--max-requests-per-second` sets it for the others.
TEST_F(RunOnceSummaryTest, JsonLogsSayTheListTheStartAndTheRate) {
  std::unique_ptr<testing::Subprocess> log =
      StartLog({.noise = 40, .plants = {"--plant", "www.forbidden.test:letsencrypt"}});
  const std::string config = WriteFile("config.json", R"({"batch_size": 10})");
  const auto json_lines = [](const std::string& err) {
    std::vector<nlohmann::json> lines;
    for (absl::string_view line : absl::StrSplit(err, '\n', absl::SkipEmpty())) {
      nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
      EXPECT_TRUE(j.is_object() && j.contains("level") && j.contains("component") &&
                  j.contains("message") && j["fields"].is_object())
          << line;
      lines.push_back(std::move(j));
    }
    return lines;
  };
  const auto find = [](const std::vector<nlohmann::json>& lines, absl::string_view text) {
    for (const nlohmann::json& j : lines) {
      if (j.is_object() && absl::StrContains(j.value("message", ""), text)) return j;
    }
    return nlohmann::json();
  };

  const CommandResult first = RunCommand(RunArgs({"--once", "--log-format", "json", "--config",
                                                  config, "--max-requests-per-second", "7"}),
                                         dir());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  std::vector<nlohmann::json> lines = json_lines(first.err);
  const nlohmann::json list = find(lines, "using \"");
  EXPECT_TRUE(absl::StrContains(list.value("message", ""), "version \"1.0\", of \"")) << first.err;
  EXPECT_TRUE(absl::StrContains(list.value("message", ""), ": 1 logs, 1 tailed")) << first.err;
  EXPECT_FALSE(find(lines, "starting at entry 0").is_null()) << first.err;
  const nlohmann::json catching_up = find(lines, "catching up from entry 0 to ");
  EXPECT_TRUE(absl::StrContains(catching_up.value("message", ""), "at most 7 requests/s"))
      << first.err;
  const nlohmann::json finding = find(lines, ": www.forbidden.test");
  ASSERT_TRUE(finding.is_object()) << first.err;
  EXPECT_EQ(finding["fields"].value("name", ""), "www.forbidden.test") << first.err;
  EXPECT_EQ(finding["fields"].value("severity", ""), "warning") << first.err;

  // The log list publishes a lower rate for the log: it is kept to, and said.
  nlohmann::json loglist = nlohmann::json::parse(testing::ReadFileOrEmpty(this->loglist()));
  loglist["operators"][0]["logs"][0]["certspotter_download_qps"] = 2.5;
  WriteFile("loglist.json", loglist.dump());
  const CommandResult again = RunCommand(
      RunArgs({"--once", "--log-format", "json", "--max-requests-per-second", "7"}), dir());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  lines = json_lines(again.err);
  EXPECT_FALSE(find(lines, "at most 2.5 requests/s, as the log list says").is_null()) << again.err;
  EXPECT_FALSE(find(lines, "resuming at entry ").is_null()) << again.err;
}

}  // namespace
}  // namespace caawatch
