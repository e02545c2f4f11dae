// `caawatch run` under a service manager: systemd's notify protocol, spoken to a unix datagram
// socket the test owns as NOTIFY_SOCKET (what systemd itself listens on), and SIGHUP reloading
// the watchlist file and the configuration.
#include <grpcpp/grpcpp.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JsonLines;
using testing::Subprocess;

using ServiceManagerTest = testing::EndToEndFixture;

// The socket a service manager reads notifications from; closed when destroyed.
class NotifySocket {
 public:
  explicit NotifySocket(const std::string& path) : path_(path) {
    fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    path.copy(addr.sun_path, sizeof(addr.sun_path) - 1);
    bound_ = fd_ >= 0 && bind(fd_, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0;
  }
  ~NotifySocket() {
    if (fd_ >= 0) close(fd_);
  }
  bool bound() const { return bound_; }
  const std::string& path() const { return path_; }
  // The next datagram, or nullopt after `timeout`.
  std::optional<std::string> Receive(absl::Duration timeout) {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout))) != 1) return {};
    char buffer[4096];
    const ssize_t n = recv(fd_, buffer, sizeof(buffer), 0);
    if (n < 0) return {};
    return std::string(buffer, n);
  }
  // Datagrams up to and including the first that contains `want`; nullopt if none came within
  // `timeout`. Every datagram received goes to `seen`.
  std::optional<std::string> Await(absl::string_view want, absl::Duration timeout,
                                   std::vector<std::string>* seen) {
    for (const absl::Time deadline = absl::Now() + timeout; absl::Now() < deadline;) {
      std::optional<std::string> message = Receive(deadline - absl::Now());
      if (!message) break;
      seen->push_back(*message);
      if (absl::StrContains(*message, want)) return message;
    }
    return std::nullopt;
  }

 private:
  std::string path_;
  int fd_ = -1;
  bool bound_ = false;
};

// Starts `argv` with NOTIFY_SOCKET (and WATCHDOG_USEC when not empty) in its environment only.
std::unique_ptr<Subprocess> StartManaged(const std::vector<std::string>& argv,
                                         const std::string& dir, const std::string& socket,
                                         const std::string& watchdog_usec) {
  setenv("NOTIFY_SOCKET", socket.c_str(), 1);
  if (!watchdog_usec.empty()) setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
  auto process = std::make_unique<Subprocess>(argv, dir);
  unsetenv("NOTIFY_SOCKET");
  unsetenv("WATCHDOG_USEC");
  return process;
}

TEST_F(ServiceManagerTest, ReadyAfterFirstPollAndHeadsThenWatchdogThenStoppingOnSigterm) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 300, .plants = {}});
  NotifySocket notify(dir() + "/notify.sock");
  ASSERT_TRUE(notify.bound());
  // A watchdog of 400 ms: WATCHDOG=1 every 200 ms.
  std::unique_ptr<Subprocess> monitor =
      StartManaged(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", testing::FreeTcpPort())}),
                   dir(), notify.path(), "400000");
  std::vector<std::string> seen;
  const std::optional<std::string> ready = notify.Await("READY=1", absl::Seconds(60), &seen);
  ASSERT_TRUE(ready.has_value()) << ::testing::PrintToString(seen) << monitor->Stderr();
  EXPECT_THAT(*ready, HasSubstr("STATUS=tailing 1 logs"));
  // Before READY: a status saying what it waits for, and no READY twice.
  EXPECT_THAT(seen.front(), HasSubstr("STATUS=first CAA poll"));
  // And more time to start asked for while it starts (TimeoutStartSec= is not a deadline for
  // a start that makes progress).
  EXPECT_THAT(seen, Contains("EXTEND_TIMEOUT_USEC=90000000"));

  // READY came after the first CAA poll and the log's head: both are in the store already.
  const CommandResult history = Cli({"caa", "history", "forbidden.test", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_FALSE(JsonLines(history.out).empty()) << "READY before the first CAA poll";
  const std::map<std::string, nlohmann::json> logs = LogsByDescription();
  ASSERT_EQ(logs.size(), 1u);
  const nlohmann::json& status = logs.begin()->second;
  EXPECT_TRUE(status["last_success_at"].is_string() &&
              !status["last_success_at"].get<std::string>().empty())
      << "READY before the log's head: " << status.dump();

  // The main loop feeds the watchdog, again and again.
  int pings = 0;
  for (int i = 0; i < 5; ++i) {
    seen.clear();
    if (notify.Await("WATCHDOG=1", absl::Seconds(10), &seen)) ++pings;
  }
  EXPECT_EQ(pings, 5) << monitor->Stderr();

  monitor->Signal(SIGTERM);
  seen.clear();
  EXPECT_TRUE(notify.Await("STOPPING=1", absl::Seconds(30), &seen).has_value())
      << monitor->Stderr();
  EXPECT_EQ(monitor->Wait(absl::Seconds(30)), 0) << monitor->Stderr();
}

TEST_F(ServiceManagerTest, NoWatchdogPingsWithoutWatchdogUsec) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 10, .plants = {}});
  NotifySocket notify(dir() + "/notify.sock");
  ASSERT_TRUE(notify.bound());
  std::unique_ptr<Subprocess> monitor =
      StartManaged(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", testing::FreeTcpPort())}),
                   dir(), notify.path(), "");
  std::vector<std::string> seen;
  ASSERT_TRUE(notify.Await("READY=1", absl::Seconds(60), &seen)) << monitor->Stderr();
  seen.clear();
  EXPECT_FALSE(notify.Await("WATCHDOG=1", absl::Seconds(1), &seen).has_value());
  ASSERT_TRUE(testing::StopsCleanly(*monitor));
}

// "name origin" for each line of `watch list --json`.
std::vector<std::string> Listed(const CommandResult& list) {
  std::vector<std::string> out;
  for (const nlohmann::json& e : JsonLines(list.out)) {
    out.push_back(absl::StrCat(e["name"].get<std::string>(), " ", e["origin"].get<std::string>()));
  }
  return out;
}

// Waits until `monitor`'s stderr holds `text`.
bool StderrSays(const Subprocess& monitor, absl::string_view text) {
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;
       absl::SleepFor(absl::Milliseconds(100))) {
    if (absl::StrContains(monitor.Stderr(), text)) return true;
  }
  return false;
}

TEST_F(ServiceManagerTest, SighupReloadsTheWatchlistFileAndKeepsTheOldOneWhenTheNewIsBroken) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 300, .plants = {"--plant-on-signal", "new.forbidden.test:letsencrypt"}});
  const std::string watchlist = WriteFile("watchlist.txt", ".allowed.test\n");
  const std::string config_text =
      absl::StrCat(R"({"watchlist_file": ")", watchlist, R"(", "caa_poll_interval": "1h"})");
  const std::string config = WriteFile("config.json", config_text);
  const int port = testing::FreeTcpPort();
  const std::string grpc = absl::StrCat("127.0.0.1:", port);
  Subprocess monitor(RunArgs({"--config", config, "--grpc-listen", grpc}, {}), dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(port, monitor);
  ASSERT_NE(stub, nullptr);

  // A name added to the file, a key that needs a restart changed: SIGHUP.
  WriteFile("watchlist.txt", ".allowed.test\nnew.forbidden.test\n");
  WriteFile("config.json",
            absl::StrCat(R"({"watchlist_file": ")", watchlist, R"(", "caa_poll_interval": "2h"})"));
  monitor.Signal(SIGHUP);
  ASSERT_TRUE(StderrSays(monitor, "static watch entries in force")) << monitor.Stderr();
  EXPECT_THAT(monitor.Stderr(), HasSubstr("SIGHUP: reloaded watch, watchlist_file"));
  EXPECT_THAT(monitor.Stderr(),
              HasSubstr("need a restart, still running with their old values: caa_poll_interval"));
  const CommandResult listed = Cli({"watch", "list", "--json", "--grpc-listen", grpc});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(Listed(listed), ElementsAre(".allowed.test static", "new.forbidden.test static"));

  // The added name's CAA is looked up at once, so its certificate is judged against it.
  bool observed = false;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30);
       !observed && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(200))) {
    const CommandResult history = Cli({"caa", "history", "new.forbidden.test", "--json"});
    observed = history.exit_code == 0 && !JsonLines(history.out).empty();
  }
  ASSERT_TRUE(observed) << "the CAA of a reloaded name was not looked up: " << monitor.Stderr();

  // A broken file: an error in the log, the old list stays in force.
  WriteFile("watchlist.txt", ".allowed.test\nnot a name!\n");
  monitor.Signal(SIGHUP);
  ASSERT_TRUE(StderrSays(monitor, "reload failed")) << monitor.Stderr();
  EXPECT_THAT(monitor.Stderr(),
              HasSubstr("the previous configuration and watchlist stay in force"));
  EXPECT_TRUE(monitor.running());
  const CommandResult kept = Cli({"watch", "list", "--json", "--grpc-listen", grpc});
  ASSERT_EQ(kept.exit_code, 0) << kept.err;
  EXPECT_THAT(Listed(kept), ElementsAre(".allowed.test static", "new.forbidden.test static"));

  // The certificate for the name the reload added becomes a finding.
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  log->Signal(SIGUSR1);
  v1::Alert alert;
  ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
  EXPECT_THAT(alert.finding().watched_names(), ElementsAre("new.forbidden.test"));
  EXPECT_EQ(alert.finding().verdict(), v1::FORBIDDEN);
  context.TryCancel();
  ASSERT_TRUE(testing::StopsCleanly(monitor));
}

}  // namespace
}  // namespace caawatch
