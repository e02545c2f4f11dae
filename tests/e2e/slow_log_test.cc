// One slow or broken log never slows the others (issue 3): `caawatch run` and `run --once` over
// one log list naming a healthy test log beside one that answers every request seconds late and
// one that accepts connections and never answers. The bounds compare the healthy log's latency
// with the slow log's delay, not with the machine's speed: a healthy log that had to wait for
// even one slow answer would miss them whatever the machine.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <algorithm>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CaughtUp;
using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;
using testing::TestLogOptions;

class SlowLogTest : public testing::EndToEndFixture {
 protected:
  // A test log of 20 noise certificates and `plant` (forbidden), every answer `delay` late, with
  // its own keys (`seed`) and log list `list`.
  std::unique_ptr<Subprocess> StartDelayedLog(uint64_t seed, const std::string& list,
                                              const std::string& plant, absl::Duration delay) {
    TestLogOptions options;
    options.noise = 20;
    options.seed = seed;
    options.loglist_out = list;
    options.plants = {"--plant", plant + ":letsencrypt", "--delay-ms",
                      std::to_string(absl::ToInt64Milliseconds(delay))};
    return StartLog(options);
  }

  // The watched names of the stored findings.
  std::vector<std::string> FindingNames() const {
    const CommandResult findings = Cli({"findings", "--json"});
    std::vector<std::string> names;
    for (const nlohmann::json& f : JsonLines(findings.out)) names.push_back(f["watched_names"][0]);
    return names;
  }
};

bool Contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

TEST_F(SlowLogTest, HealthyLogIsAlertedPromptlyWhileAnotherLogIsSlowAndAThirdHangs) {
  // A slow answer takes kDelay; the hung log's answers would take an hour (curl gives up after
  // 30 s, longer than this test lasts). Listed first, so a sequential reader would meet them
  // before the healthy log.
  constexpr absl::Duration kDelay = absl::Seconds(6);
  std::unique_ptr<Subprocess> slow =
      StartDelayedLog(11, dir() + "/slow.json", "slow.forbidden.test", kDelay);
  std::unique_ptr<Subprocess> hung =
      StartDelayedLog(12, dir() + "/hung.json", "hung.forbidden.test", absl::Hours(1));
  std::unique_ptr<Subprocess> healthy = StartLog(
      {.noise = 300, .plants = {"--plant-per-signal", "fresh#.forbidden.test:letsencrypt"}});
  CombineLogLists({{dir() + "/slow.json", "slow log"},
                   {dir() + "/hung.json", "hung log"},
                   {loglist(), "healthy log"}});
  const std::string config = WriteFile("config.json", R"({"sth_poll_interval": "500ms"})");
  Subscribed run = RunAndSubscribe(config);
  ASSERT_NE(run.reader, nullptr);
  Subprocess& monitor = *run.monitor;
  grpc::ClientReader<v1::Alert>* reader = run.reader.get();

  // Three certificates, one after the other, each alerted within half a slow answer of being
  // logged: the healthy log never waits for a slow or hung request. (Its own latency is a 500 ms
  // poll plus a local fetch and commit, a few hundred ms; half of kDelay leaves ample margin.)
  for (int i = 1; i <= 3; ++i) {
    healthy->Signal(SIGUSR1);
    std::optional<std::string> line;
    while ((line = healthy->ReadLine(absl::Seconds(30))) && !absl::StartsWith(*line, "published")) {
    }
    ASSERT_TRUE(line.has_value()) << healthy->Stderr();
    const absl::Time logged = absl::Now();
    v1::Alert alert;
    ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
    EXPECT_EQ(alert.finding().watched_names(0), absl::StrCat("fresh", i, ".forbidden.test"));
    EXPECT_LT(absl::Now() - logged, kDelay / 2) << "certificate " << i;
  }

  // The slow log is still read: its certificate is alerted once its answers come.
  v1::Alert alert;
  ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
  EXPECT_EQ(alert.finding().watched_names(0), "slow.forbidden.test");
  run.context->TryCancel();

  std::map<std::string, nlohmann::json> logs = LogsByDescription();
  EXPECT_TRUE(CaughtUp(logs["healthy log"])) << logs["healthy log"].dump();
  EXPECT_TRUE(CaughtUp(logs["slow log"])) << logs["slow log"].dump();
  EXPECT_FALSE(CaughtUp(logs["hung log"])) << logs["hung log"].dump();

  // A request in flight to the hung log does not hold the stop up until curl's 30 s timeout:
  // the fetcher aborts it within about a second.
  EXPECT_TRUE(testing::StopsCleanly(monitor, absl::Seconds(10)));
  hung->Signal(SIGTERM);
}

TEST_F(SlowLogTest, RunOnceFinishesTheHealthyLogWithoutWaitingForTheSlowOne) {
  // The slow log needs at least two answers (its tree head, then its entries), so its
  // certificate cannot be recorded before 2 * kDelay.
  constexpr absl::Duration kDelay = absl::Seconds(5);
  std::unique_ptr<Subprocess> slow =
      StartDelayedLog(11, dir() + "/slow.json", "slow.forbidden.test", kDelay);
  std::unique_ptr<Subprocess> healthy =
      StartLog({.noise = 300, .plants = {"--plant", "early.forbidden.test:letsencrypt"}});
  CombineLogLists({{dir() + "/slow.json", "slow log"}, {loglist(), "healthy log"}});

  Subprocess once(RunArgs({"--once"}), dir());
  // Watch the store while the run goes on: the healthy log is read to its end and its
  // certificate recorded while the slow log has not answered yet.
  std::map<std::string, nlohmann::json> logs;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (!CaughtUp(logs["healthy log"]) && absl::Now() < deadline && once.running()) {
    absl::SleepFor(absl::Milliseconds(100));
    logs = LogsByDescription();
  }
  ASSERT_TRUE(CaughtUp(logs["healthy log"])) << once.Stderr();
  const std::vector<std::string> names = FindingNames();
  EXPECT_TRUE(Contains(names, "early.forbidden.test"));
  EXPECT_FALSE(Contains(names, "slow.forbidden.test"))
      << "the healthy log was finished only after the slow one";
  EXPECT_FALSE(CaughtUp(logs["slow log"])) << logs["slow log"].dump();

  // The run then finishes the slow log too and succeeds.
  std::optional<int> code = once.Wait(absl::Seconds(120));
  ASSERT_TRUE(code.has_value()) << "run --once did not finish";
  EXPECT_EQ(*code, 0) << once.Stderr();
  logs = LogsByDescription();
  EXPECT_TRUE(CaughtUp(logs["slow log"])) << logs["slow log"].dump();
  EXPECT_TRUE(Contains(FindingNames(), "slow.forbidden.test"));
}

}  // namespace
}  // namespace caawatch
