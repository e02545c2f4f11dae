// One monitor, one address, one store (issue 16): a second `caawatch run` on an address in use
// refuses to start; `run` records its PID and address beside the store's lock, so that commands
// find the monitor holding a store and a locked store names it; a command given an address
// talks to the monitor there, and fails if none answers, instead of using some store.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <filesystem>
#include <optional>

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

namespace fs = std::filesystem;
using testing::CommandResult;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::Subprocess;

class OneMonitorTest : public testing::EndToEndFixture {
 protected:
  // A monitor on data_dir() serving gRPC at address(); returns once it answers.
  std::unique_ptr<Subprocess> StartMonitor() {
    if (log_ == nullptr) {
      log_ = StartLog({.noise = 20, .plants = {"--plant", "sub.forbidden.test:letsencrypt"}});
    }
    auto run = std::make_unique<Subprocess>(RunArgs({"--grpc-listen", address()}), dir());
    stub_ = ConnectMonitor(port_, *run);
    // Its record is written just after it starts to listen.
    const absl::Time deadline = absl::Now() + absl::Seconds(10);
    while (!fs::exists(data_dir() + "/holder") && absl::Now() < deadline) {
      absl::SleepFor(absl::Milliseconds(10));
    }
    return run;
  }

  // The names the monitor has in force (gRPC ListWatch).
  std::vector<std::string> WatchedByMonitor() {
    v1::ListWatchResponse response;
    grpc::ClientContext call;
    const grpc::Status status = stub_->ListWatch(&call, {}, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    std::vector<std::string> names;
    for (const v1::WatchEntry& e : response.entries()) names.push_back(e.name());
    return names;
  }

  // `caawatch ARGS` with no --data-dir, under a HOME and XDG_DATA_HOME of its own: the default
  // store is another one than the monitor's.
  CommandResult CliWithDefaultStore(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"/usr/bin/env", "HOME=" + dir() + "/home",
                                     "XDG_DATA_HOME=" + default_data_home(), caawatch()};
    argv.insert(argv.end(), args.begin(), args.end());
    return testing::RunCommand(argv, dir());
  }

  std::string default_data_home() const { return dir() + "/xdg"; }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  const int port_ = testing::FreeTcpPort();
  std::unique_ptr<Subprocess> log_;
  std::unique_ptr<v1::Monitor::Stub> stub_;
};

TEST_F(OneMonitorTest, SecondRunOnTheSameAddressRefusesToStartAndSaysWhichAddress) {
  std::unique_ptr<Subprocess> first = StartMonitor();
  ASSERT_NE(stub_, nullptr);

  // Another store, the same address: gRPC would share the port (SO_REUSEPORT).
  std::vector<std::string> args = RunArgs({"--grpc-listen", address()});
  args[3] = dir() + "/other-data";  // After "--data-dir".
  Subprocess second(args, dir());
  const std::optional<int> code = second.Wait(absl::Seconds(60));
  ASSERT_TRUE(code.has_value()) << "the second monitor started: " << second.Stderr();
  EXPECT_NE(*code, 0);
  EXPECT_THAT(second.Stderr(), HasSubstr(absl::StrCat("cannot listen on ", address(),
                                                      ": the address is in use by another "
                                                      "process")));
  // The first one still answers, alone.
  EXPECT_THAT(WatchedByMonitor(), Contains(".forbidden.test"));
}

TEST_F(OneMonitorTest, WatchAddGivenAnAddressGoesToTheMonitorThereNotToADefaultStore) {
  std::unique_ptr<Subprocess> run = StartMonitor();
  ASSERT_NE(stub_, nullptr);

  const CommandResult add =
      CliWithDefaultStore({"watch", "add", "new.forbidden.test", "--grpc-listen", address()});
  EXPECT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "added new.forbidden.test (in the running monitor)\n");
  EXPECT_THAT(WatchedByMonitor(), Contains("new.forbidden.test"));
  EXPECT_FALSE(fs::exists(default_data_home() + "/caawatch")) << "a default store was written";
  const CommandResult list = CliWithDefaultStore({"watch", "list", "--grpc-listen", address()});
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_THAT(list.out, HasSubstr("new.forbidden.test"));
}

TEST_F(OneMonitorTest, AnAddressWhereNoMonitorAnswersFailsAndNoStoreIsChanged) {
  ASSERT_EQ(Cli({"watch", "add", "kept.example"}).exit_code, 0);
  const std::string dead = absl::StrCat("127.0.0.1:", testing::FreeTcpPort());

  const CommandResult add = Cli({"watch", "add", "lost.example", "--grpc-listen", dead});
  EXPECT_EQ(add.exit_code, 1);
  EXPECT_THAT(add.err, HasSubstr(absl::StrCat("no `caawatch run` answered at ", dead)));
  const CommandResult remove = Cli({"watch", "remove", "kept.example", "--grpc-listen", dead});
  EXPECT_EQ(remove.exit_code, 1);
  const CommandResult list = Cli({"watch", "list", "--grpc-listen", dead});
  EXPECT_EQ(list.exit_code, 1);
  EXPECT_THAT(list.err, HasSubstr(absl::StrCat("no `caawatch run` answered at ", dead)));

  // The store is as it was: the commands went nowhere else.
  const CommandResult stored = Cli({"watch", "list"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_THAT(stored.out, HasSubstr("kept.example"));
  EXPECT_THAT(stored.out, Not(HasSubstr("lost.example")));
}

TEST_F(OneMonitorTest, CommandsFindTheMonitorHoldingTheStoreByItsRecord) {
  std::unique_ptr<Subprocess> run = StartMonitor();
  ASSERT_NE(stub_, nullptr);

  // No address given, none configured: the monitor's record says where it answers.
  const CommandResult add = Cli({"watch", "add", "found.forbidden.test"});
  EXPECT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "added found.forbidden.test (in the running monitor)\n");
  EXPECT_THAT(WatchedByMonitor(), Contains("found.forbidden.test"));

  // `subscribe` with no --server hears the alerts of the monitor holding the store.
  Subprocess subscribe({caawatch(), "subscribe", "--data-dir", data_dir()}, dir());
  const std::optional<std::string> alert = subscribe.ReadLine(absl::Seconds(30));
  ASSERT_TRUE(alert.has_value()) << subscribe.Stderr();
  EXPECT_THAT(*alert, HasSubstr("sub.forbidden.test"));

  // A second writer is told who holds the store, and where it answers.
  const CommandResult second = testing::RunCommand(RunArgs({"--once"}), dir());
  EXPECT_EQ(second.exit_code, 1);
  EXPECT_THAT(second.err,
              HasSubstr(absl::StrCat("the store at ", data_dir(), " is locked by PID ", run->pid(),
                                     " (caawatch run), which serves gRPC at ", address())));

  // Gone at a clean exit; after a crash it is stale, and the store is written directly.
  run->Signal(SIGTERM);
  ASSERT_EQ(run->Wait(absl::Seconds(60)), 0) << run->Stderr();
  EXPECT_FALSE(fs::exists(data_dir() + "/holder"));
  run = StartMonitor();
  ASSERT_NE(stub_, nullptr);
  ASSERT_TRUE(fs::exists(data_dir() + "/holder"));
  run->Signal(SIGKILL);
  run->Wait(absl::Seconds(60));
  run.reset();
  const CommandResult after = Cli({"watch", "add", "after.example"});
  EXPECT_EQ(after.exit_code, 0) << after.err;
  EXPECT_EQ(after.out, "added after.example\n");
}

}  // namespace
}  // namespace caawatch
