// Subtree discovery end to end (issue 18), without followed zones: a name first seen in a
// certificate under a watched subtree joins the CAA poll, so it is looked up again at every
// poll from then on (its observation's last_seen moves on), and the next certificate for it is
// judged against observations made before its issuance.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;

using SubtreeDiscoveryEndToEndTest = testing::EndToEndFixture;

absl::Time Rfc3339(const nlohmann::json& v) {
  absl::Time t = absl::InfinitePast();
  std::string err;
  absl::ParseTime(absl::RFC3339_full, v.get<std::string>(), &t, &err);
  return t;
}

TEST_F(SubtreeDiscoveryEndToEndTest, ANameFirstSeenInACertificateIsPolledFromThenOn) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 0, .plants = {"--plant-on-signal", "new.forbidden.test:letsencrypt"}});
  const std::string config =
      WriteFile("config.json", R"({"caa_poll_interval": "1s", "sth_poll_interval": "200ms"})");
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  log->Signal(SIGUSR1);
  v1::Alert alert;
  ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
  ASSERT_EQ(alert.finding().watched_names(0), "new.forbidden.test");
  context.TryCancel();

  // The polls after the certificate look the name up again: its answer (NXDOMAIN) is seen
  // unchanged for longer and longer.
  const absl::Time deadline = absl::Now() + absl::Seconds(30);
  absl::Duration seen_for = absl::ZeroDuration();
  while (absl::Now() < deadline && seen_for < absl::Seconds(2)) {
    const CommandResult history = Cli({"caa", "history", "new.forbidden.test", "--json"});
    ASSERT_EQ(history.exit_code, 0) << history.err;
    for (const nlohmann::json& o : JsonLines(history.out)) {
      if (o["query_name"] != "new.forbidden.test") continue;
      seen_for = std::max(seen_for, Rfc3339(o["last_seen"]) - Rfc3339(o["first_seen"]));
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
  EXPECT_GE(seen_for, absl::Seconds(2)) << monitor.Stderr();

  monitor.Signal(SIGTERM);
  std::optional<int> code = monitor.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << monitor.Stderr();
}

}  // namespace
}  // namespace caawatch
