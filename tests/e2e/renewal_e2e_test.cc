// `caa_breaks_renewal` end to end (issue 20, SPEC §8): `caawatch run` follows owned.test from a
// Knot primary; Let's Encrypt and Google Trust Services each issue for a name of it (both
// allowed). A CAA change that forbids neither raises nothing; one that forbids Let's Encrypt
// raises exactly one `caa_breaks_renewal` finding (the store, `findings --json`, a WARNING line
// and a hook script), and neither more polls of that state nor a restart raise it again.
#include <signal.h>
#include <sys/stat.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch {
namespace {

using testing::AwaitLog;
using testing::CommandResult;
using testing::JsonLines;
using testing::NotifyListenerAddress;
using testing::Subprocess;

constexpr char kSecret[] = "cmVuZXdhbCBndWFyZCB6b25lIHRyYW5zZmVyIGtleSEh";

using RenewalEndToEndTest = testing::EndToEndFixture;

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

size_t Count(const std::string& text, const std::string& what) {
  size_t n = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

class RenewalTest : public RenewalEndToEndTest {
 protected:
  std::vector<nlohmann::json> Findings() const {
    const CommandResult listed = Cli({"findings", "--json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    return JsonLines(listed.out);
  }
  std::vector<nlohmann::json> Renewals() const {
    std::vector<nlohmann::json> out;
    for (const nlohmann::json& f : Findings()) {
      if (f["kind"] == "caa_breaks_renewal") out.push_back(f);
    }
    return out;
  }
};

TEST_F(RenewalTest, AChangeForbiddingARecentIssuerRaisesCaaBreaksRenewalOnceAcrossRestarts) {
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> owned = fakes::KnotServer::Start(
      {{.origin = "owned.test",
        .records = "@ CAA 0 issue \"letsencrypt.org\"\n@ CAA 0 issue \"pki.goog\"\n",
        .allow_updates = true,
        .transfer_key = absl::StrCat("hmac-sha256:owned-key:", kSecret)}});
  ASSERT_TRUE(owned.ok()) << owned.status();
  const std::string secret = WriteFile("owned.key", absl::StrCat(kSecret, "\n"));
  const std::string config = WriteFile(
      "config.json", absl::StrCat(R"({"sth_poll_interval": "200ms", "reevaluate_interval": "200ms",
          "notify_listen": "127.0.0.1:0", "zones": [{"zone": "owned.test", "primaries": [")",
                                  (*owned)->address(), R"("], "tsig_key_name": "owned-key",
          "tsig_secret_file": ")",
                                  secret, R"("}]})"));
  const std::string hook_log = dir() + "/hook.log";
  const std::string hook =
      WriteFile("hook", absl::StrCat("#!/bin/sh\n[ \"$EVENT\" = caa_breaks_renewal ] || exit 0\n",
                                     "echo \"$EVENT $CAAWATCH_NAME $CAAWATCH_CA_IDENTIFIER\" >> '",
                                     hook_log, "'\n"));
  ::chmod(hook.c_str(), 0700);
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 0,
                .plants = {"--plant-on-signal", "www.owned.test:letsencrypt", "--plant-on-signal",
                           "api.owned.test:google"}});
  const auto start_monitor = [&] {
    auto monitor = std::make_unique<Subprocess>(
        RunArgs({"--config", config, "--script", hook}, {".owned.test"}), dir());
    EXPECT_TRUE(AwaitLog(*monitor, "following 1 zones")) << monitor->Stderr();
    const std::optional<std::string> listener = NotifyListenerAddress(monitor->Stderr());
    EXPECT_TRUE(listener.has_value()) << monitor->Stderr();
    if (listener) {
      EXPECT_TRUE((*owned)->SetNotifyTo("owned.test", *listener).ok());
    }
    return monitor;
  };
  std::unique_ptr<Subprocess> monitor = start_monitor();

  // Both CAs issue while the zone is followed, and both are allowed.
  log->Signal(SIGUSR1);
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  std::vector<nlohmann::json> findings;
  while (absl::Now() < deadline && findings.size() < 2) {
    findings = Findings();
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(findings.size(), 2u) << monitor->Stderr();
  for (const nlohmann::json& f : findings) EXPECT_EQ(f["verdict"], "permitted") << f.dump();

  // A change that forbids neither CA raises nothing.
  ASSERT_TRUE((*owned)
                  ->Update("owned.test", "update add owned.test. 3600 CAA 0 issue \"sectigo.com\"")
                  .ok());
  ASSERT_TRUE(AwaitLog(*monitor, "(was 1)")) << monitor->Stderr();
  absl::SleepFor(absl::Seconds(1));  // Five runs of the guard.
  EXPECT_TRUE(Renewals().empty()) << monitor->Stderr();

  // Let's Encrypt is dropped: its renewals of www.owned.test will fail.
  ASSERT_TRUE((*owned)
                  ->Update("owned.test",
                           "update delete owned.test. CAA\n"
                           "update add owned.test. 3600 CAA 0 issue \"pki.goog\"\n"
                           "update add owned.test. 3600 CAA 0 issue \"sectigo.com\"")
                  .ok());
  ASSERT_TRUE(AwaitLog(*monitor, "caa_breaks_renewal: ")) << monitor->Stderr();
  absl::SleepFor(absl::Seconds(1));  // More runs of the guard over the same state.
  std::vector<nlohmann::json> renewals = Renewals();
  ASSERT_EQ(renewals.size(), 1u) << monitor->Stderr();
  const nlohmann::json& r = renewals[0];
  EXPECT_EQ(r["verdict"], "caa_breaks_renewal");
  EXPECT_EQ(r["severity"], "warning");
  EXPECT_EQ(r["watched_names"], nlohmann::json::array({"www.owned.test"})) << r.dump();
  EXPECT_EQ(r["evidence"]["ca_identifier"], "letsencrypt.org") << r.dump();
  EXPECT_EQ(r["evidence"]["relevant_name"], "owned.test") << r.dump();
  EXPECT_EQ(r["evidence"]["records"],
            nlohmann::json::array({"0 issue \"pki.goog\"", "0 issue \"sectigo.com\""}))
      << r.dump();
  EXPECT_EQ(Count(monitor->Stderr(), "caa_breaks_renewal: "), 1u) << monitor->Stderr();
  const absl::Time hooked = absl::Now() + absl::Seconds(30);
  while (absl::Now() < hooked && ReadText(hook_log).empty()) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  EXPECT_EQ(ReadText(hook_log), "caa_breaks_renewal www.owned.test letsencrypt.org\n");

  // `caa suggest` reads the records in force for owned.test from the followed zone (lookups
  // of it go to a server that does not serve it) and gives the same warning.
  const CommandResult suggest = Cli({"caa", "suggest", "owned.test", "--config", config, "--json"});
  ASSERT_EQ(suggest.exit_code, 0) << suggest.err;
  const nlohmann::json advice = nlohmann::json::parse(suggest.out);
  EXPECT_EQ(advice["in_force"]["relevant_name"], "owned.test") << suggest.out;
  ASSERT_EQ(advice["warnings"].size(), 1u) << suggest.out;
  EXPECT_EQ(advice["warnings"][0]["identifier"], "letsencrypt.org") << suggest.out;

  // A restart transfers and polls the same state again: nothing new.
  ASSERT_TRUE(testing::StopsCleanly(*monitor));
  monitor = start_monitor();
  absl::SleepFor(absl::Seconds(3));  // Its zone refresh, and fifteen runs of the guard.
  EXPECT_EQ(Renewals().size(), 1u) << monitor->Stderr();
  EXPECT_FALSE(absl::StrContains(monitor->Stderr(), "caa_breaks_renewal: ")) << monitor->Stderr();
  EXPECT_EQ(ReadText(hook_log), "caa_breaks_renewal www.owned.test letsencrypt.org\n");
  EXPECT_TRUE(testing::StopsCleanly(*monitor));
}

}  // namespace
}  // namespace caawatch
