// caawatch end to end, every part real and in its own process: the test CT log over HTTP (real
// RFC 6962 wire format, signatures and Merkle tree), Knot DNS serving CAA, `caawatch run`, the
// CLI reading the store, and a gRPC client subscribing to alerts.
#include <grpcpp/grpcpp.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::Subprocess;

// Zone "test.": forbidden.test lets only Google Trust Services issue, allowed.test only
// Let's Encrypt.
constexpr char kZone[] = R"(forbidden  CAA 0 issue "pki.goog"
allowed    CAA 0 issue "letsencrypt.org"
)";

int FreeTcpPort() {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

const nlohmann::json* FindingFor(const std::vector<nlohmann::json>& findings,
                                 const std::string& name) {
  for (const nlohmann::json& f : findings) {
    for (const auto& n : f["watched_names"]) {
      if (n == name) return &f;
    }
  }
  return nullptr;
}

class EndToEndTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("caawatch_e2e_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    bin_ = CAAWATCH_BINARY_DIR;
    fakes::KnotZone zone;
    zone.origin = "test";
    zone.records = kZone;
    auto knot = fakes::KnotServer::Start({zone});
    ASSERT_TRUE(knot.ok()) << knot.status();
    knot_ = std::move(*knot);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::vector<std::string> Caawatch(std::vector<std::string> args) {
    args.insert(args.begin(), bin_ + "/cli/caawatch");
    return args;
  }
  std::vector<std::string> RunArgs(bool once) {
    std::vector<std::string> args = {"run",
                                     "--data-dir",
                                     data_dir(),
                                     "--log-list",
                                     loglist(),
                                     "--dns-server",
                                     absl::StrCat("127.0.0.1:", knot_->port()),
                                     "--dnssec",
                                     "off",
                                     "--watch",
                                     ".forbidden.test",
                                     "--watch",
                                     ".allowed.test"};
    if (once) args.push_back("--once");
    return Caawatch(args);
  }
  CommandResult Cli(std::vector<std::string> args) {
    args.push_back("--data-dir");
    args.push_back(data_dir());
    return testing::RunCommand(Caawatch(args), dir_.string());
  }
  std::string data_dir() const { return dir_.string() + "/data"; }
  std::string loglist() const { return dir_.string() + "/loglist.json"; }

  // Starts the test log with noise and two planted certificates; returns once it serves.
  std::unique_ptr<Subprocess> StartLog(std::vector<std::string> extra) {
    std::vector<std::string> args = {bin_ + "/tests/fakes/caawatch_test_log",
                                     "--publish",
                                     "--loglist-out",
                                     loglist(),
                                     "--seed",
                                     "7",
                                     "--noise",
                                     "3000",
                                     "--plant",
                                     "www.forbidden.test:letsencrypt",
                                     "--plant",
                                     "www.allowed.test:letsencrypt"};
    args.insert(args.end(), extra.begin(), extra.end());
    auto log = std::make_unique<Subprocess>(args, dir_.string());
    for (std::optional<std::string> line; (line = log->ReadLine(absl::Seconds(120)));) {
      if (absl::StartsWith(*line, "serving ")) return log;
    }
    ADD_FAILURE() << "the test log did not start: " << log->Stderr();
    return log;
  }

  std::filesystem::path dir_;
  std::string bin_;
  std::unique_ptr<fakes::KnotServer> knot_;
};

TEST_F(EndToEndTest, ForbiddenIssuanceIsAlertedPermittedIsRecordedAndNothingIsProcessedTwice) {
  std::unique_ptr<Subprocess> log = StartLog({});
  // 1. One pass over the whole log.
  CommandResult run =
      testing::RunCommand(RunArgs(/*once=*/true), dir_.string(), absl::Seconds(240));
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
  CommandResult again = testing::RunCommand(RunArgs(true), dir_.string(), absl::Seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  CommandResult after = Cli({"findings", "--json"});
  EXPECT_EQ(JsonLines(after.out).size(), 2u) << after.out;
  EXPECT_EQ(after.out, findings.out);
}

TEST_F(EndToEndTest, CertificateLoggedWhileRunningIsJudgedByCaaObservedBeforeAndStreamed) {
  std::unique_ptr<Subprocess> log =
      StartLog({"--plant-on-signal", "api.forbidden.test:letsencrypt"});
  const int grpc_port = FreeTcpPort();
  std::vector<std::string> args = RunArgs(/*once=*/false);
  args.push_back("--grpc-listen");
  args.push_back(absl::StrCat("127.0.0.1:", grpc_port));
  Subprocess monitor(args, dir_.string());

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
