// Issue 15: a log (or anyone on the path of an http:// log URL) serves, inside an early batch, a
// certificate for a watched name that is not in the tree its signed head commits to. caawatch
// must not alert it nor keep it as a certificate finding: it is evidence in a log_misbehaviour
// finding. Once the log answers honestly, the entries are read again and judged as usual, each
// finding keeping the proof that its entry is in a signed head. Both kinds of log: RFC 6962
// (a forged get-entries element) and static-ct-api (a forged data tile, honest hash tiles).
#include <signal.h>

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
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
using testing::Subprocess;

using ForgedEntryTest = testing::EndToEndFixture;

// Whether `name` is among the watched names of `finding`.
bool Watches(const nlohmann::json& finding, const std::string& name) {
  for (const nlohmann::json& w : finding["watched_names"]) {
    if (w == name) return true;
  }
  return false;
}

// Waits for the line `expected` on the test log's stdout.
bool WaitForLine(Subprocess& log, const std::string& expected) {
  for (std::optional<std::string> line; (line = log.ReadLine(absl::Seconds(30)));) {
    if (*line == expected) return true;
  }
  return false;
}

TEST_F(ForgedEntryTest, AWatchedEntryNotInTheSignedTreeIsEvidenceNeverAFindingOrAnAlert) {
  // 1,500 noise certificates: the forged entry 5 comes in the first of several batches (256
  // entries a get-entries answer; four data tiles a tiled batch), long before the tree reaches
  // the signed size and its root is compared.
  std::unique_ptr<Subprocess> classic =
      StartLog({.noise = 1500,
                .plants = {"--plant", "classic.forbidden.test:letsencrypt", "--forge-entry",
                           "5:forged-classic.forbidden.test:letsencrypt"}});
  std::unique_ptr<Subprocess> tiled =
      StartLog({.noise = 1500,
                .plants = {"--plant", "tiled.forbidden.test:letsencrypt", "--forge-entry",
                           "5:forged-tiled.forbidden.test:letsencrypt", "--tiles-dir",
                           dir() + "/tiles", "--tiled-loglist-out", dir() + "/tiled.json"},
                .seed = 8,
                .loglist_out = dir() + "/unused.json"});
  CombineLogLists({{loglist(), "rfc6962 log"}, {dir() + "/tiled.json", "tiled log"}});
  const std::string config = WriteFile("config.json", R"({"sth_poll_interval": "300ms"})");
  Subprocess monitor(RunArgs({"--config", config}), dir());

  // Each log's forgery is found: one log_misbehaviour finding per log, naming the entry.
  std::map<std::string, nlohmann::json> misbehaviour;  // By log description.
  std::vector<nlohmann::json> forged;                  // Findings for a forged name.
  for (const absl::Time deadline = absl::Now() + absl::Seconds(120);
       misbehaviour.size() < 2 && forged.empty() && absl::Now() < deadline && monitor.running();) {
    absl::SleepFor(absl::Milliseconds(300));
    const CommandResult listed = Cli({"findings", "--json"});
    if (listed.exit_code != 0) continue;
    for (const nlohmann::json& f : JsonLines(listed.out)) {
      if (Watches(f, "forged-classic.forbidden.test") ||
          Watches(f, "forged-tiled.forbidden.test")) {
        forged.push_back(f);
      }
      if (f["kind"] == "log_misbehaviour" && f["evidence"].contains("unproven_entries")) {
        misbehaviour[f["evidence"]["log"]] = f;
      }
    }
  }
  for (const nlohmann::json& f : forged) ADD_FAILURE() << "forged entry kept: " << f.dump();
  ASSERT_EQ(misbehaviour.size(), 2u) << monitor.Stderr();
  for (const auto& [log, f] : misbehaviour) {
    EXPECT_EQ(f["severity"], "critical") << f.dump();
    const nlohmann::json& evidence = f["evidence"];
    EXPECT_EQ(evidence["kind"], "root_mismatch") << f.dump();
    ASSERT_EQ(evidence["unproven_entries"].size(), 1u) << f.dump();
    const nlohmann::json& entry = evidence["unproven_entries"][0];
    EXPECT_EQ(entry["index"], 5) << f.dump();
    EXPECT_EQ(entry["leaf_hash"].get<std::string>().size(), 44u) << f.dump();  // 32 bytes.
    EXPECT_FALSE(entry["failed"].get<std::string>().empty()) << f.dump();
    EXPECT_EQ(entry["watched_names"][0], log == "rfc6962 log" ? "forged-classic.forbidden.test"
                                                              : "forged-tiled.forbidden.test")
        << f.dump();
  }

  // The logs answer honestly again: everything is read and judged as usual.
  classic->Signal(SIGUSR2);
  tiled->Signal(SIGUSR2);
  ASSERT_TRUE(WaitForLine(*classic, "honest")) << classic->Stderr();
  ASSERT_TRUE(WaitForLine(*tiled, "honest")) << tiled->Stderr();
  bool caught_up = false;
  std::map<std::string, nlohmann::json> logs;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(120);
       !caught_up && absl::Now() < deadline && monitor.running();) {
    absl::SleepFor(absl::Milliseconds(300));
    logs = LogsByDescription();
    caught_up = testing::CaughtUp(logs["rfc6962 log"]) && testing::CaughtUp(logs["tiled log"]) &&
                logs["rfc6962 log"]["verified_size"] == logs["rfc6962 log"]["tree_size"] &&
                logs["tiled log"]["verified_size"] == logs["tiled log"]["tree_size"];
  }
  ASSERT_TRUE(caught_up) << monitor.Stderr();
  EXPECT_TRUE(testing::StopsCleanly(monitor));

  const CommandResult listed = Cli({"findings", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  std::map<std::string, nlohmann::json> certificates;  // By watched name.
  int misbehaviour_findings = 0;
  for (const nlohmann::json& f : JsonLines(listed.out)) {
    if (f["kind"] == "log_misbehaviour") {
      ++misbehaviour_findings;
      continue;
    }
    certificates[f["watched_names"][0]] = f;
  }
  EXPECT_EQ(misbehaviour_findings, 2) << "the same forgery seen again is the same event";
  ASSERT_EQ(certificates.size(), 2u) << listed.out;
  for (const auto& [name, log] : std::map<std::string, std::string>{
           {"classic.forbidden.test", "rfc6962 log"}, {"tiled.forbidden.test", "tiled log"}}) {
    const nlohmann::json& f = certificates[name];
    ASSERT_TRUE(f.is_object()) << name << " was not judged: " << listed.out;
    EXPECT_EQ(f["severity"], "warning") << f.dump();
    ASSERT_EQ(f["entries"].size(), 2u) << f.dump();
    for (const nlohmann::json& e : f["entries"]) {
      // The proof the entry is in a signed head is kept with it: the honest re-read reached
      // the head's size and its root matched.
      ASSERT_TRUE(e.contains("inclusion")) << f.dump();
      EXPECT_EQ(e["inclusion"]["method"], "root") << f.dump();
      EXPECT_EQ(e["inclusion"]["tree_size"], logs[log]["tree_size"]) << f.dump();
      EXPECT_EQ(e["inclusion"]["leaf_hash"].get<std::string>().size(), 44u) << f.dump();
    }
  }
}

}  // namespace
}  // namespace caawatch
