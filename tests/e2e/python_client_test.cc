// Subscribe as a gRPC client we did not write sees it: Python's grpcio (tests/e2e/
// python_subscriber.py) follows a few dozen alerts across its own cancel-and-resume and a
// restart of `caawatch run` in the middle of the stream, and receives every alert exactly once.
#include <signal.h>

#include <algorithm>
#include <iostream>
#include <numeric>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::ForbiddenPlants;
using testing::Subprocess;

constexpr int kAtStart = 30;      // Forbidden certificates logged before caawatch starts.
constexpr int kWhileDown = 20;    // Logged around the restart.
constexpr int kCancelAfter = 10;  // The client ends its first stream itself after this many.
constexpr int kHoldAfter = 20;    // It stops reading here while the server restarts.

// What the Python client printed: alerts' seqs in arrival order, and its events.
struct ClientOutput {
  std::vector<uint64_t> seqs;
  std::vector<nlohmann::json> events;
  void Add(const std::string& line) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    ASSERT_FALSE(j.is_discarded()) << "not JSON: " << line;
    if (j.contains("seq")) {
      seqs.push_back(j["seq"].get<uint64_t>());
    } else {
      events.push_back(j);
    }
  }
  std::vector<uint64_t> SubscribedAfter() const {
    std::vector<uint64_t> out;
    for (const nlohmann::json& e : events) {
      if (e["event"] == "subscribe") out.push_back(e["after_seq"].get<uint64_t>());
    }
    return out;
  }
};

class PythonClientTest : public testing::EndToEndFixture {
 protected:
  std::vector<std::string> PythonArgs(std::vector<std::string> args) const {
    args.insert(args.begin(), {CAAWATCH_PYTHON3, CAAWATCH_PYTHON_SUBSCRIBER, "--pb2-dir",
                               CAAWATCH_PYTHON_API_DIR});
    return args;
  }
};

TEST_F(PythonClientTest, ResumingGrpcioSubscriberGetsEveryAlertOnceAcrossCancelAndRestart) {
  // No skipping: without grpcio this test fails and says what to install.
  const CommandResult check = testing::RunCommand(PythonArgs({"--check"}), dir());
  ASSERT_EQ(check.exit_code, 0) << CAAWATCH_PYTHON3
                                << " cannot run the grpcio client; install python3-grpcio and "
                                << "python3-protobuf (scripts/install-deps.sh): " << check.err;

  testing::TestLogOptions log_options{.noise = 300,
                                      .plants = ForbiddenPlants("--plant", "w", kAtStart)};
  for (std::string& flag : ForbiddenPlants("--plant-on-signal", "late", kWhileDown)) {
    log_options.plants.push_back(std::move(flag));
  }
  std::unique_ptr<Subprocess> log = StartLog(log_options);
  const std::string target = absl::StrCat("127.0.0.1:", testing::FreeTcpPort());
  const std::vector<std::string> run_args =
      RunArgs({"--grpc-listen", target, "--config",
               WriteFile("config.json", R"({"sth_poll_interval": "250ms"})")});
  auto monitor = std::make_unique<Subprocess>(run_args, dir());

  Subprocess client(
      PythonArgs({"--target", target, "--count", std::to_string(kAtStart + kWhileDown),
                  "--cancel-after", std::to_string(kCancelAfter), "--hold-after",
                  std::to_string(kHoldAfter), "--timeout", "240"}),
      dir());
  ClientOutput out;
  // 1. The client reads, cancels its first stream, resumes, and stops reading mid-stream.
  bool holding = false;
  while (!holding) {
    std::optional<std::string> line = client.ReadLine(absl::Seconds(120));
    ASSERT_TRUE(line.has_value()) << "client: " << client.Stderr()
                                  << "\nmonitor: " << monitor->Stderr();
    ASSERT_NO_FATAL_FAILURE(out.Add(*line));
    holding = !out.events.empty() && out.events.back()["event"] == "holding";
  }
  ASSERT_EQ(out.seqs.size(), static_cast<size_t>(kHoldAfter));

  // 2. More certificates are logged, and caawatch is stopped and started again on the same
  // data dir and port while the client still holds its stream.
  log->Signal(SIGUSR1);
  monitor->Signal(SIGTERM);
  const std::optional<int> stopped = monitor->Wait(absl::Seconds(30));
  ASSERT_TRUE(stopped.has_value()) << "caawatch run did not stop on SIGTERM";
  ASSERT_EQ(*stopped, 0) << monitor->Stderr();
  monitor = std::make_unique<Subprocess>(run_args, dir());
  client.Signal(SIGUSR1);

  // 3. The client reconnects by itself and goes on until it has every alert.
  for (std::optional<std::string> line; (line = client.ReadLine(absl::Seconds(240)));) {
    ASSERT_NO_FATAL_FAILURE(out.Add(*line));
  }
  const std::optional<int> exit_code = client.Wait(absl::Seconds(30));
  ASSERT_EQ(exit_code, 0) << "client: " << client.Stderr() << "\nmonitor: " << monitor->Stderr();
  monitor->Signal(SIGTERM);
  ASSERT_EQ(monitor->Wait(absl::Seconds(30)), 0) << monitor->Stderr();

  for (const nlohmann::json& e : out.events) std::cout << "python client: " << e.dump() << "\n";

  // Every alert 1..N exactly once, in order, and the same set the store holds.
  std::vector<uint64_t> expected(kAtStart + kWhileDown);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(out.seqs, expected) << absl::StrJoin(out.seqs, ",");
  EXPECT_EQ(StoredAlertSeqs(), expected);

  // The run went through both disconnects: a resume after the client's own cancel at
  // kCancelAfter and one after the restart, from where the client stopped or later.
  const std::vector<uint64_t> subscribed = out.SubscribedAfter();
  ASSERT_GE(subscribed.size(), 3u) << absl::StrJoin(subscribed, ",");
  EXPECT_EQ(subscribed[0], 0u);
  EXPECT_EQ(subscribed[1], static_cast<uint64_t>(kCancelAfter));
  EXPECT_GE(subscribed[2], static_cast<uint64_t>(kHoldAfter));
}

}  // namespace
}  // namespace caawatch
