// caawatch end to end, every part real and in its own process: the test CT log over HTTP (real
// RFC 6962 wire format, signatures and Merkle tree), Knot DNS serving CAA, `caawatch run`, the
// CLI reading the store, and a gRPC client subscribing to alerts.
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
using testing::TestLogOptions;

const nlohmann::json* FindingFor(const std::vector<nlohmann::json>& findings,
                                 const std::string& name) {
  for (const nlohmann::json& f : findings) {
    for (const auto& n : f["watched_names"]) {
      if (n == name) return &f;
    }
  }
  return nullptr;
}

// The log: 3000 noise certificates and a planted pair, one forbidden, one permitted.
TestLogOptions PlantedPair() {
  return {.plants = {"--plant", "www.forbidden.test:letsencrypt", "--plant",
                     "www.allowed.test:letsencrypt"}};
}

using EndToEndTest = testing::EndToEndFixture;

TEST_F(EndToEndTest, ForbiddenIssuanceIsAlertedPermittedIsRecordedAndNothingIsProcessedTwice) {
  std::unique_ptr<Subprocess> log = StartLog(PlantedPair());
  // 1. One pass over the whole log.
  CommandResult run = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(240));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  CommandResult findings = Cli({"findings", "--json"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  const std::vector<nlohmann::json> all = JsonLines(findings.out);
  ASSERT_EQ(all.size(), 2u) << findings.out;  // The planted pair; the noise matches nothing.
  const nlohmann::json* bad = FindingFor(all, "www.forbidden.test");
  const nlohmann::json* good = FindingFor(all, "www.allowed.test");
  ASSERT_NE(bad, nullptr);
  ASSERT_NE(good, nullptr);
  // Logged before caawatch first looked at CAA: judged retrospectively, alerted if forbidden.
  EXPECT_EQ((*bad)["verdict"], "no_data");
  EXPECT_EQ((*bad)["severity"], "warning");
  EXPECT_EQ((*bad)["caa"][0]["relevant_name"], "forbidden.test");
  EXPECT_EQ((*bad)["issuer"]["caa_identifiers"][0], "letsencrypt.org");
  EXPECT_EQ((*good)["severity"], "info");
  // A precertificate and its final certificate are one finding with both entries.
  EXPECT_EQ((*bad)["entries"].size(), 2u);
  EXPECT_FALSE((*bad)["cert_sha256"].is_null());
  EXPECT_FALSE((*bad)["precert_sha256"].is_null());

  CommandResult history = Cli({"history", "forbidden.test", "--subtree", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(JsonLines(history.out).size(), 1u);

  CommandResult status = Cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const std::vector<nlohmann::json> logs = JsonLines(status.out);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0]["position"], logs[0]["tree_size"]);
  EXPECT_EQ(logs[0]["verified_size"], logs[0]["tree_size"]);

  // 2. A restart processes nothing twice.
  CommandResult again = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  CommandResult after = Cli({"findings", "--json"});
  EXPECT_EQ(JsonLines(after.out).size(), 2u) << after.out;
  EXPECT_EQ(after.out, findings.out);
}

TEST_F(EndToEndTest, CertificateLoggedWhileRunningIsJudgedByCaaObservedBeforeAndStreamed) {
  TestLogOptions log_options = PlantedPair();
  log_options.plants.push_back("--plant-on-signal");
  log_options.plants.push_back("api.forbidden.test:letsencrypt");
  std::unique_ptr<Subprocess> log = StartLog(log_options);
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());

  auto channel = grpc::CreateChannel(absl::StrCat("127.0.0.1:", grpc_port),
                                     grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(60)))
      << monitor.Stderr();
  auto stub = v1::Monitor::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::SubscribeRequest request;
  auto reader = stub->Subscribe(&context, request);

  // The backlog: only the alert for the pre-existing forbidden certificate, not the info one.
  v1::Alert alert;
  ASSERT_TRUE(reader->Read(&alert));
  EXPECT_EQ(alert.finding().watched_names(0), "www.forbidden.test");
  EXPECT_EQ(alert.finding().severity(), v1::WARNING);
  const uint64_t first_seq = alert.seq();

  // The log grows while caawatch runs: the new certificate is judged by the CAA caawatch
  // observed at start, before its issuance, so it is forbidden, not no_data.
  log->Signal(SIGUSR1);
  ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
  EXPECT_EQ(alert.finding().watched_names(0), "api.forbidden.test");
  EXPECT_EQ(alert.finding().verdict(), v1::FORBIDDEN);
  EXPECT_EQ(alert.finding().severity(), v1::CRITICAL);
  EXPECT_GT(alert.seq(), first_seq);
  context.TryCancel();

  monitor.Signal(SIGTERM);
  std::optional<int> code = monitor.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value()) << "caawatch run did not stop on SIGTERM";
  EXPECT_EQ(*code, 0) << monitor.Stderr();
}

}  // namespace
}  // namespace caawatch
