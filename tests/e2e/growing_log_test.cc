// A log that grows while caawatch runs is followed within one polling interval (issue 3), for
// both kinds side by side: an RFC 6962 test log, and a tiled (static-ct-api) test log whose new
// tiles and checkpoint nginx serves. Each new certificate must be alerted over gRPC within the
// configured sth_poll_interval plus a margin for one round of local fetches and a commit.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <map>
#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::Subprocess;

// The wait before a poll finds the new head. Each round below starts just after the previous
// alerts, so just after a poll: the tiled log is met in its worst phase, a whole interval.
constexpr absl::Duration kPollInterval = absl::Seconds(2);
// After that poll: a checkpoint or STH, two or three tiles or one get-entries from a local server
// (paced at 10 requests/s per log, most of the time), verification, a CAA evaluation from the
// observation made at start, a RocksDB commit and a gRPC write. About 0.2 s on a 2-core machine;
// 2 s covers a loaded one. A reader that needed a second poll would take over 4 s.
constexpr absl::Duration kMargin = absl::Seconds(2);

// Signals `log` to log one more certificate and waits until it serves it; returns its new size
// (0 if it did not say).
uint64_t Grow(Subprocess& log) {
  log.Signal(SIGUSR1);
  for (std::optional<std::string> line; (line = log.ReadLine(absl::Seconds(30)));) {
    absl::string_view rest = *line;
    uint64_t size = 0;
    if (absl::ConsumePrefix(&rest, "published ") && absl::SimpleAtoi(rest, &size)) return size;
  }
  return 0;
}

using GrowingLogTest = testing::EndToEndFixture;

TEST_F(GrowingLogTest, TiledAndRfc6962LogsThatGrowAreFollowedWithinOnePollingInterval) {
  std::unique_ptr<Subprocess> classic = StartLog(
      {.noise = 100, .plants = {"--plant-per-signal", "classic#.forbidden.test:letsencrypt"}});
  // 254 entries at start (seed 8, 175 noise certificates): the first growth fills data tile 0
  // exactly, the second starts tile 1, so the tiled reader goes from partial to full to a new
  // partial tile.
  std::unique_ptr<Subprocess> tiled =
      StartLog({.noise = 175,
                .plants = {"--plant-per-signal", "tiled#.forbidden.test:letsencrypt", "--tiles-dir",
                           dir() + "/tiles", "--tiled-loglist-out", dir() + "/tiled.json"},
                .seed = 8,
                .loglist_out = dir() + "/unused.json"});
  CombineLogLists({{loglist(), "rfc6962 log"}, {dir() + "/tiled.json", "tiled log"}});
  const std::string config =
      WriteFile("config.json", absl::StrCat(R"({"sth_poll_interval": ")",
                                            absl::ToInt64Milliseconds(kPollInterval), R"(ms"})"));
  Subscribed run = RunAndSubscribe(config);
  ASSERT_NE(run.reader, nullptr);
  Subprocess& monitor = *run.monitor;
  grpc::ClientReader<v1::Alert>* reader = run.reader.get();
  // The logs as they were at start are read first, so the rounds below time growth only.
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       absl::Now() < deadline && monitor.running();) {
    std::map<std::string, nlohmann::json> logs = LogsByDescription();
    if (testing::CaughtUp(logs["rfc6962 log"]) && testing::CaughtUp(logs["tiled log"])) break;
    absl::SleepFor(absl::Milliseconds(100));
  }

  for (int round = 1; round <= 2; ++round) {
    // Each log grows by one certificate (precertificate and certificate).
    std::map<std::string, absl::Time> logged;
    ASSERT_GT(Grow(*classic), 0u) << classic->Stderr();
    logged[absl::StrCat("classic", round, ".forbidden.test")] = absl::Now();
    const uint64_t tiled_size = Grow(*tiled);
    logged[absl::StrCat("tiled", round, ".forbidden.test")] = absl::Now();
    ASSERT_EQ(tiled_size, 254u + 2 * round) << "the tiled log no longer crosses a tile boundary";

    for (int i = 0; i < 2; ++i) {
      v1::Alert alert;
      ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
      const std::string name = alert.finding().watched_names(0);
      auto it = logged.find(name);
      ASSERT_NE(it, logged.end()) << "unexpected alert for " << name;
      EXPECT_LT(absl::Now() - it->second, kPollInterval + kMargin) << name;
      logged.erase(it);
    }
  }
  run.context->TryCancel();

  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

}  // namespace
}  // namespace caawatch
