// Re-evaluation on late data end to end: a running `caawatch run` judges a certificate from a CA
// it cannot map (unknown_issuer, a warning); `caawatch issuers import` in another process
// teaches it the CA's CAA identifier; the monitor picks the new map up, judges the finding again
// (forbidden by the CAA it observed before issuance) and streams it once more, with a new seq,
// exactly once.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;

using ReevaluationEndToEndTest = testing::EndToEndFixture;

std::chrono::system_clock::time_point In(int seconds) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

TEST_F(ReevaluationEndToEndTest, ImportingTheCaOfAnUnknownIssuerFindingReAlertsItOnceAsForbidden) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 0, .plants = {"--plant-on-signal", "api.forbidden.test:unknown"}});
  const std::string config =
      WriteFile("config.json", R"({"reevaluate_interval": "200ms", "sth_poll_interval": "200ms"})");
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());
  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  ASSERT_TRUE(channel->WaitForConnected(In(60))) << monitor.Stderr();
  auto stub = v1::Monitor::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(In(120));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());

  // Issued after caawatch observed forbidden.test ("pki.goog" only), by a CA it cannot map.
  log->Signal(SIGUSR1);
  v1::Alert first;
  ASSERT_TRUE(reader->Read(&first)) << monitor.Stderr();
  EXPECT_EQ(first.finding().verdict(), v1::UNKNOWN_ISSUER);
  EXPECT_EQ(first.finding().severity(), v1::WARNING);

  const std::string import = WriteFile("unknown-ca.json", R"([{"ca_owner": "Unknown Test Authority",
    "caa_identifiers": ["unknown-ca.test"],
    "issuer_organization_names": ["Unknown Test Authority"]}])");
  const CommandResult imported = Cli({"issuers", "import", import});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;

  v1::Alert again;
  ASSERT_TRUE(reader->Read(&again)) << monitor.Stderr();
  EXPECT_GT(again.seq(), first.seq());
  EXPECT_EQ(again.finding().watched_names(0), "api.forbidden.test");
  EXPECT_EQ(again.finding().verdict(), v1::FORBIDDEN);
  EXPECT_EQ(again.finding().severity(), v1::CRITICAL);
  EXPECT_EQ(again.finding().issuer().ca_owner(), "Unknown Test Authority");
  EXPECT_EQ(again.finding().first_seq(), first.seq());
  ASSERT_EQ(again.finding().history_size(), 1);
  EXPECT_EQ(again.finding().history(0).verdict(), v1::UNKNOWN_ISSUER);
  context.TryCancel();

  // Exactly once: a subscriber starting over sees the finding once, as it is now, and nothing
  // more arrives while the monitor keeps looking for late data.
  grpc::ClientContext replay_context;
  replay_context.set_deadline(In(3));
  auto replay = stub->Subscribe(&replay_context, v1::SubscribeRequest());
  v1::Alert alert;
  ASSERT_TRUE(replay->Read(&alert)) << monitor.Stderr();
  EXPECT_EQ(alert.seq(), again.seq());
  EXPECT_FALSE(replay->Read(&alert)) << "unexpected alert " << alert.seq();

  const CommandResult findings = Cli({"findings", "--json"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  const std::vector<nlohmann::json> all = JsonLines(findings.out);
  ASSERT_EQ(all.size(), 1u) << findings.out;
  EXPECT_EQ(all[0]["verdict"], "forbidden");
  EXPECT_EQ(all[0]["first_seq"], first.seq());
  EXPECT_EQ(all[0]["history"][0]["verdict"], "unknown_issuer");
  EXPECT_EQ(all[0]["history"][0]["superseded_because"], "CA identifier map updated");

  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

}  // namespace
}  // namespace caawatch
