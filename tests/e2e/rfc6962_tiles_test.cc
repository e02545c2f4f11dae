// An RFC 6962 log that also serves static-ct-api tiles (SPEC §9): the test log serves get-entries
// and, behind a real nginx, the same tree as tiles. Read once through get-entries, once through
// its tiles as the log list announces them (`tiles_url`), once through the tiles the
// configuration names (`log_tiles`): every read verifies the log's RFC 6962 STH against the tree
// built from what it read, and the three store the same findings.
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;

class Rfc6962TilesTest : public testing::EndToEndFixture {
 protected:
  // `caawatch run --once` into `data` with `list` (and `extra` flags); its stderr.
  std::string RunOnce(const std::string& data, const std::string& list,
                      const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = RunArgs({"--once"});
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--data-dir") args[i + 1] = data;
      if (args[i] == "--log-list") args[i + 1] = list;
    }
    args.insert(args.end(), extra.begin(), extra.end());
    const CommandResult run = testing::RunCommand(args, dir(), absl::Seconds(240));
    EXPECT_EQ(run.exit_code, 0) << run.err;
    return run.err;
  }
  // Data tiles nginx served so far (its access log): how a test knows the tiles were read.
  int DataTileRequests() const {
    const std::string log = testing::ReadFileOrEmpty(dir() + "/tiles/nginx/access.log");
    int count = 0;
    for (size_t at = log.find("/tile/data/"); at != std::string::npos;
         at = log.find("/tile/data/", at + 1)) {
      ++count;
    }
    return count;
  }
  // Each finding of `data` by its first watched name: verdict, severity and log entries.
  std::map<std::string, std::string> Findings(const std::string& data) {
    const CommandResult listed = testing::RunCommand(
        {caawatch(), "findings", "--json", "--data-dir", data}, dir(), absl::Seconds(60));
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    std::map<std::string, std::string> out;
    for (const nlohmann::json& f : JsonLines(listed.out)) {
      std::string entries;
      for (const nlohmann::json& e : f["entries"]) entries += e["index"].dump() + " ";
      out[f["watched_names"][0]] =
          f["verdict"].get<std::string>() + " " + f["severity"].get<std::string>() + " " + entries;
    }
    return out;
  }
};

TEST_F(Rfc6962TilesTest, AnRfc6962LogReadThroughItsTilesGivesTheSameFindingsAsGetEntries) {
  testing::TestLogOptions options;
  options.noise = 600;
  options.plants = {"--plant",
                    "one.forbidden.test:letsencrypt",
                    "--plant",
                    "two.allowed.test:letsencrypt",
                    "--tiles-dir",
                    dir() + "/tiles",
                    "--tiled-loglist-out",
                    dir() + "/tiled-list.json"};
  std::unique_ptr<testing::Subprocess> log = StartLog(options);
  const nlohmann::json tiled = nlohmann::json::parse(std::ifstream(dir() + "/tiled-list.json"));
  const std::string tiles_url = tiled["operators"][0]["tiled_logs"][0]["monitoring_url"];
  nlohmann::json list = nlohmann::json::parse(std::ifstream(loglist()));
  const std::string log_url = list["operators"][0]["logs"][0]["url"];
  list["operators"][0]["logs"][0]["tiles_url"] = tiles_url;
  std::ofstream(dir() + "/announced.json") << list.dump(2);
  std::ofstream(dir() + "/config.json") << nlohmann::json{{"log_tiles", {{log_url, tiles_url}}}};

  const std::string plain = RunOnce(dir() + "/plain", loglist());
  EXPECT_FALSE(absl::StrContains(plain, "through its tiles")) << plain;
  EXPECT_EQ(DataTileRequests(), 0);
  const std::string announced = RunOnce(dir() + "/announced", dir() + "/announced.json");
  EXPECT_TRUE(absl::StrContains(announced, "entries through its tiles at " + tiles_url))
      << announced;
  const int announced_tiles = DataTileRequests();
  EXPECT_GT(announced_tiles, 0);
  const std::string configured =
      RunOnce(dir() + "/configured", loglist(), {"--config", dir() + "/config.json"});
  EXPECT_TRUE(absl::StrContains(configured, "entries through its tiles at " + tiles_url))
      << configured;
  EXPECT_GT(DataTileRequests(), announced_tiles);

  const std::map<std::string, std::string> expected = Findings(dir() + "/plain");
  ASSERT_EQ(expected.size(), 2u);
  EXPECT_EQ(Findings(dir() + "/announced"), expected);
  EXPECT_EQ(Findings(dir() + "/configured"), expected);
  for (const std::string data : {"/plain", "/announced", "/configured"}) {
    const CommandResult status = testing::RunCommand(
        {caawatch(), "status", "--json", "--data-dir", dir() + data}, dir(), absl::Seconds(60));
    const std::vector<nlohmann::json> logs = JsonLines(status.out);
    ASSERT_EQ(logs.size(), 1u) << status.out;
    EXPECT_GT(logs[0]["tree_size"].get<uint64_t>(), 600u) << data;
    EXPECT_EQ(logs[0]["verified_size"], logs[0]["tree_size"]) << data;
    EXPECT_EQ(logs[0]["position"], logs[0]["tree_size"]) << data;
  }
}

}  // namespace
}  // namespace caawatch
