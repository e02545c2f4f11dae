// Both kinds of CT log in one run: an RFC 6962 test log over HTTP and a second test log published
// as static-ct-api files behind a real nginx, named together in one v3 log list. One
// `caawatch run --once` reads both to their signed sizes and judges the certificates of each.
#include <fstream>
#include <map>
#include <string>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;

using MixedLogsTest = testing::EndToEndFixture;

TEST_F(MixedLogsTest, OneRunReadsAnRfc6962LogAndATiledLogAndJudgesTheCertificatesOfBoth) {
  testing::TestLogOptions rfc6962;
  rfc6962.noise = 300;
  rfc6962.plants = {"--plant", "classic.forbidden.test:letsencrypt"};
  std::unique_ptr<Subprocess> classic = StartLog(rfc6962);

  // The second log (its own key) serves its tiles through nginx; only its tiled entry is listed.
  Subprocess tiled(
      {bin() + "/tests/fakes/caawatch_test_log", "--publish", "--seed", "8", "--noise", "700",
       "--plant", "tiled.forbidden.test:letsencrypt", "--plant", "tiled.allowed.test:letsencrypt",
       "--tiles-dir", dir() + "/tiles", "--tiled-loglist-out", dir() + "/tiled-list.json"},
      dir());
  bool serving = false;
  for (std::optional<std::string> line; !serving && (line = tiled.ReadLine(absl::Seconds(120)));) {
    serving = absl::StartsWith(*line, "serving ");
  }
  ASSERT_TRUE(serving) << tiled.Stderr();

  // One list: the RFC 6962 log's operator and the tiled log's operator.
  nlohmann::json list = nlohmann::json::parse(std::ifstream(loglist()));
  const nlohmann::json tiled_list =
      nlohmann::json::parse(std::ifstream(dir() + "/tiled-list.json"));
  list["operators"].push_back(tiled_list["operators"][0]);
  std::ofstream(loglist()) << list.dump(2);

  const CommandResult run = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(240));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const CommandResult status = Cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const std::vector<nlohmann::json> logs = JsonLines(status.out);
  ASSERT_EQ(logs.size(), 2u) << status.out;
  for (const nlohmann::json& log : logs) {
    EXPECT_GT(log["tree_size"].get<uint64_t>(), 300u) << log.dump();
    EXPECT_EQ(log["position"], log["tree_size"]) << log.dump();
    EXPECT_EQ(log["verified_size"], log["tree_size"]) << log.dump();
  }

  const CommandResult findings = Cli({"findings", "--json"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  std::map<std::string, nlohmann::json> by_name;
  for (const nlohmann::json& f : JsonLines(findings.out)) by_name[f["watched_names"][0]] = f;
  ASSERT_EQ(by_name.size(), 3u) << findings.out;
  EXPECT_EQ(by_name["classic.forbidden.test"]["severity"], "warning");
  EXPECT_EQ(by_name["tiled.forbidden.test"]["severity"], "warning");
  EXPECT_EQ(by_name["tiled.allowed.test"]["severity"], "info");
  // Each finding holds its precertificate and certificate, from the log it came from.
  const std::string tiled_url = by_name["tiled.forbidden.test"]["entries"][0]["log_url"];
  const std::string classic_url = by_name["classic.forbidden.test"]["entries"][0]["log_url"];
  EXPECT_NE(tiled_url, classic_url);
  EXPECT_NE(tiled_url.find("/log/"), std::string::npos) << tiled_url;
  for (const auto& [name, f] : by_name) EXPECT_EQ(f["entries"].size(), 2u) << f.dump();
}

}  // namespace
}  // namespace caawatch
