// The only log goes away and comes back while `caawatch run` runs (issue 16). While it is gone,
// `caawatch status --json` and gRPC GetStatus show the transport error as last_error with
// last_success_at and the state `retrying`, then `stale` (never with lag 0), and the gRPC health
// service answers NOT_SERVING for "caawatch.v1.Monitor" (never NOT_FOUND); once it is back, the
// health is SERVING again and a certificate it logs is alerted within a few polling intervals,
// however long the outage lasted (the tree-head retry backoff is capped).
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "health.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"
#include "tests/e2e/tcp_relay.h"
#include "tests/fakes/dns/dns_fault_proxy.h"

namespace caawatch {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::Subprocess;

constexpr absl::Duration kPollInterval = absl::Milliseconds(300);
// The log is read again within a few polling intervals of its return: the capped backoff
// (4 intervals), one attempt's own retries (under 2 s) and a commit. The uncapped backoff had
// doubled to 9.6 s by the restart below.
constexpr absl::Duration kRecoveryBound = absl::Seconds(6);

class LogOutageTest : public testing::EndToEndFixture {
 protected:
  // The health of `service`: the RPC's status code and the serving status.
  std::pair<grpc::StatusCode, HealthCheckResponse::ServingStatus> Health(
      grpc::health::v1::Health::Stub& stub, const std::string& service) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    HealthCheckRequest request;
    request.set_service(service);
    HealthCheckResponse response;
    const grpc::Status status = stub.Check(&context, request, &response);
    return {status.error_code(), response.status()};
  }

  // Polls `status --json` until `accept` holds for the log (returned), or fails after `wait`.
  nlohmann::json AwaitLog(const std::function<bool(const nlohmann::json&)>& accept,
                          absl::Duration wait, Subprocess& monitor) {
    nlohmann::json last;
    for (const absl::Time deadline = absl::Now() + wait; absl::Now() < deadline;) {
      std::map<std::string, nlohmann::json> logs = LogsByDescription();
      if (logs.size() == 1) {
        last = logs.begin()->second;
        if (accept(last)) return last;
      }
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "status never got there; last: " << last.dump() << "\n" << monitor.Stderr();
    return last;
  }

  bool AwaitHealth(grpc::health::v1::Health::Stub& stub,
                   HealthCheckResponse::ServingStatus wanted) {
    for (const absl::Time deadline = absl::Now() + absl::Seconds(10); absl::Now() < deadline;) {
      const auto [code, status] = Health(stub, "caawatch.v1.Monitor");
      if (code == grpc::StatusCode::OK && status == wanted) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    return false;
  }
};

TEST_F(LogOutageTest, StatusAndHealthSayTheLogIsGoneAndItIsReadSoonAfterItComesBack) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 50, .plants = {"--plant-on-signal", "back.forbidden.test:letsencrypt"}});
  // The monitor reaches the log through a relay: the log goes away with the relay.
  nlohmann::json list = nlohmann::json::parse(testing::ReadFileOrEmpty(loglist()));
  nlohmann::json& listed = list["operators"][0]["logs"][0];
  const std::string log_url = listed["url"];
  const int log_port = std::stoi(log_url.substr(log_url.rfind(':') + 1));
  const int relay_port = testing::FreeTcpPort();
  listed["url"] = absl::StrCat("http://127.0.0.1:", relay_port, "/");
  WriteFile("loglist.json", list.dump());
  auto relay = std::make_unique<testing::TcpRelay>(relay_port, log_port);
  ASSERT_TRUE(relay->listening());
  const std::string config =
      WriteFile("config.json", absl::StrCat(R"({"sth_poll_interval": ")",
                                            absl::ToInt64Milliseconds(kPollInterval), R"(ms"})"));
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", grpc_port), grpc::InsecureChannelCredentials()));

  AwaitLog([](const nlohmann::json& l) { return l["state"] == "ok" && testing::CaughtUp(l); },
           absl::Seconds(60), monitor);
  const auto [code, serving] = Health(*health, "caawatch.v1.Monitor");
  EXPECT_EQ(code, grpc::StatusCode::OK) << "the API's service is unknown to the health service";
  EXPECT_EQ(serving, HealthCheckResponse::SERVING);

  relay.reset();
  const nlohmann::json retrying = AwaitLog(
      [](const nlohmann::json& l) { return l["state"] == "retrying"; }, absl::Seconds(20), monitor);
  EXPECT_NE(retrying["last_error"], "") << retrying.dump();
  EXPECT_NE(retrying["last_success_at"], "") << retrying.dump();
  {
    grpc::ClientContext context;
    v1::GetStatusResponse status;
    ASSERT_TRUE(stub->GetStatus(&context, v1::GetStatusRequest(), &status).ok());
    ASSERT_EQ(status.logs_size(), 1);
    EXPECT_TRUE(status.logs(0).state() == "retrying" || status.logs(0).state() == "stale")
        << status.logs(0).DebugString();
    EXPECT_NE(status.logs(0).last_error(), "");
    EXPECT_NE(status.logs(0).last_success_at(), "");
  }
  const nlohmann::json stale = AwaitLog(
      [](const nlohmann::json& l) { return l["state"] == "stale"; }, absl::Seconds(20), monitor);
  EXPECT_GT(stale["lag_seconds"].get<int64_t>(), 0) << stale.dump();
  EXPECT_NE(stale["last_error"], "") << stale.dump();
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::NOT_SERVING)) << monitor.Stderr();
  // One line sums up that nothing is reachable.
  EXPECT_TRUE(absl::StrContains(monitor.Stderr(), "0/1 logs reachable; first: caawatch test log"))
      << monitor.Stderr();

  // Six failed tries in a row: an uncapped backoff would now wait 9.6 s before the next.
  AwaitLog([](const nlohmann::json& l) { return l["consecutive_failures"].get<int>() >= 6; },
           absl::Seconds(60), monitor);
  relay = std::make_unique<testing::TcpRelay>(relay_port, log_port);
  ASSERT_TRUE(relay->listening());
  const absl::Time back = absl::Now();
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::SubscribeRequest after_now;
  {
    grpc::ClientContext status_context;
    v1::GetStatusResponse status;
    ASSERT_TRUE(stub->GetStatus(&status_context, v1::GetStatusRequest(), &status).ok());
    after_now.set_after_seq(status.last_seq());
  }
  auto reader = stub->Subscribe(&context, after_now);
  log->Signal(SIGUSR1);  // Logs back.forbidden.test.
  for (std::optional<std::string> line; (line = log->ReadLine(absl::Seconds(30)));) {
    if (absl::StartsWith(*line, "published ")) break;
  }
  v1::Alert alert;
  ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
  ASSERT_EQ(alert.finding().watched_names_size(), 1) << alert.DebugString();
  EXPECT_EQ(alert.finding().watched_names(0), "back.forbidden.test");
  EXPECT_LT(absl::Now() - back, kRecoveryBound) << monitor.Stderr();
  context.TryCancel();
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::SERVING)) << monitor.Stderr();
  AwaitLog([](const nlohmann::json& l) { return l["state"] == "ok"; }, absl::Seconds(10), monitor);

  monitor.Signal(SIGTERM);
  std::optional<int> exit_code = monitor.Wait(absl::Seconds(30));
  ASSERT_TRUE(exit_code.has_value());
  EXPECT_EQ(*exit_code, 0) << monitor.Stderr();
}

// CAA that cannot be looked up makes the monitor blind as surely as a log that cannot be read.
TEST_F(LogOutageTest, HealthIsNotServingWhileNoWatchedNameHasACaaAnswer) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 5, .plants = {}});
  const std::string config =
      WriteFile("config.json", R"({"dns_timeout": "300ms", "dns_retries": 0})");
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      {caawatch(), "run", "--data-dir", data_dir(), "--log-list", loglist(), "--dns-server",
       absl::StrCat("127.0.0.1:", testing::FreeTcpPort()), "--dnssec", "off", "--config", config,
       "--watch", "www.allowed.test", "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)},
      dir());
  ASSERT_NE(ConnectMonitor(grpc_port, monitor), nullptr);
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", grpc_port), grpc::InsecureChannelCredentials()));
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::NOT_SERVING)) << monitor.Stderr();
  EXPECT_TRUE(absl::StrContains(monitor.Stderr(), "NOT_SERVING: no watched name's CAA"))
      << monitor.Stderr();
}

// A first CAA poll that takes longer than stale_after (a million names over a slow resolver)
// comes before the logs start: they are not stale the moment they start, and the health does
// not say NOT_SERVING. Before the fix every start with a long first poll logged "every log (N)
// is stale". Here stale_after is 5 s (10 x 300 ms, at least 5 s) and one name's lookup is
// dropped, so the first poll waits out a 6 s timeout.
TEST_F(LogOutageTest, ALongFirstCaaPollDoesNotMakeTheLogsStaleWhenTheyStart) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 5, .plants = {}});
  int knot_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(std::vector<std::string>(absl::StrSplit(dns_server(), ':')).back(),
                               &knot_port));
  auto proxy = fakes::DnsFaultProxy::Start(knot_port);
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  (*proxy)->SetFault("slow.allowed.test", fakes::DnsFault::kDrop);
  const std::string config = WriteFile(
      "config.json", R"({"sth_poll_interval": "300ms", "dns_timeout": "6s", "dns_retries": 0})");
  const int grpc_port = testing::FreeTcpPort();
  std::vector<std::string> args =
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)},
              {"www.allowed.test", "slow.allowed.test"});
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--dns-server") args[i + 1] = (*proxy)->address();
  }
  const absl::Time start = absl::Now();
  Subprocess monitor(args, dir());
  ASSERT_NE(ConnectMonitor(grpc_port, monitor), nullptr);
  const nlohmann::json tailed = AwaitLog(
      [](const nlohmann::json& l) { return !l["last_success_at"].get<std::string>().empty(); },
      absl::Seconds(60), monitor);
  ASSERT_GT(absl::Now() - start, absl::Seconds(5)) << "the first poll was not longer than "
                                                      "stale_after: nothing tested";
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", grpc_port), grpc::InsecureChannelCredentials()));
  EXPECT_TRUE(AwaitHealth(*health, HealthCheckResponse::SERVING)) << monitor.Stderr();
  EXPECT_FALSE(absl::StrContains(monitor.Stderr(), "is stale")) << monitor.Stderr();
  EXPECT_NE(tailed["state"], "stale") << tailed.dump();
}

// A start with no log reachable: `status` lists the log as failing with its error, not "no
// logs tailed yet"; before any log was tried, `status --json` prints valid JSON.
TEST_F(LogOutageTest, StatusOfAStartWithNoLogReachableSaysTheLogsAreFailing) {
  ASSERT_EQ(Cli({"watch", "add", "www.allowed.test"}).exit_code, 0);  // A store, no log yet.
  const testing::CommandResult empty = Cli({"status", "--json"});
  ASSERT_EQ(empty.exit_code, 0) << empty.err;
  EXPECT_EQ(nlohmann::json::parse(empty.out), nlohmann::json::array()) << empty.out;

  std::unique_ptr<Subprocess> log = StartLog({.noise = 5, .plants = {}});
  log->Signal(SIGTERM);  // Its log list stays, naming a port nobody listens on.
  ASSERT_TRUE(log->Wait(absl::Seconds(30)).has_value());
  const testing::CommandResult once = testing::RunCommand(RunArgs({"--once"}), dir());
  EXPECT_NE(once.exit_code, 0) << once.err;
  EXPECT_TRUE(absl::StrContains(once.err, "0/1 logs reachable; first: caawatch test log: "))
      << once.err;

  const testing::CommandResult text = Cli({"status"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_FALSE(absl::StrContains(text.out, "no log")) << text.out;
  const std::map<std::string, nlohmann::json> logs = LogsByDescription();
  ASSERT_EQ(logs.size(), 1u) << text.out;
  const nlohmann::json& row = logs.begin()->second;
  EXPECT_TRUE(row["state"] == "retrying" || row["state"] == "stale") << row.dump();
  EXPECT_NE(row["last_error"], "") << row.dump();
  EXPECT_EQ(row["last_success_at"], "") << row.dump();
  EXPECT_GT(row["lag_seconds"].get<int64_t>(), 0) << row.dump();
  EXPECT_TRUE(absl::StrContains(text.out, row["last_error"].get<std::string>())) << text.out;
}

}  // namespace
}  // namespace caawatch
