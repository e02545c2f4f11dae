// Watch changes reach a running `caawatch run` without a restart: `caawatch watch add/remove`
// go through its gRPC service while it holds the store, the next certificates are matched
// against the changed list, and `watch list` shows the list in force (static and stored).
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <optional>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
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
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JsonLines;
using testing::Subprocess;

using WatchLiveTest = testing::EndToEndFixture;

// "name origin" for each line of `watch list --json`.
std::vector<std::string> Listed(const CommandResult& list) {
  std::vector<std::string> out;
  for (const nlohmann::json& e : JsonLines(list.out)) {
    out.push_back(absl::StrCat(e["name"].get<std::string>(), " ", e["origin"].get<std::string>()));
  }
  return out;
}

TEST_F(WatchLiveTest, AddAndRemoveApplyToTheRunningMonitorAndListShowsTheListInForce) {
  // Both certificates are logged only when the test says so, after the watch changes.
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 300,
                .plants = {"--plant-on-signal", "gone.forbidden.test:letsencrypt",
                           "--plant-on-signal", "new.forbidden.test:letsencrypt"}});
  // Stored before the monitor runs: straight into the store.
  const CommandResult stored = Cli({"watch", "add", "gone.forbidden.test"});
  ASSERT_EQ(stored.exit_code, 0) << stored.err;
  EXPECT_EQ(stored.out, "added gone.forbidden.test\n");

  const std::string grpc = absl::StrCat("127.0.0.1:", testing::FreeTcpPort());
  Subprocess monitor(RunArgs({"--grpc-listen", grpc}, {".allowed.test"}), dir());
  auto channel = grpc::CreateChannel(grpc, grpc::InsecureChannelCredentials());
  ASSERT_TRUE(
      channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(60)))
      << monitor.Stderr();

  const CommandResult before = Cli({"watch", "list", "--json", "--grpc-listen", grpc});
  ASSERT_EQ(before.exit_code, 0) << before.err;
  EXPECT_THAT(Listed(before), ElementsAre(".allowed.test static", "gone.forbidden.test stored"));

  // The monitor holds the store: the CLI goes through its gRPC service.
  const CommandResult add = Cli({"watch", "add", "new.forbidden.test", "--grpc-listen", grpc});
  ASSERT_EQ(add.exit_code, 0) << add.err;
  EXPECT_EQ(add.out, "added new.forbidden.test (in the running monitor)\n");
  const CommandResult remove =
      Cli({"watch", "remove", "gone.forbidden.test", "--grpc-listen", grpc});
  ASSERT_EQ(remove.exit_code, 0) << remove.err;
  EXPECT_EQ(remove.out, "removed gone.forbidden.test (in the running monitor)\n");
  const CommandResult static_remove =
      Cli({"watch", "remove", ".allowed.test", "--grpc-listen", grpc});
  EXPECT_EQ(static_remove.exit_code, 1);
  EXPECT_THAT(static_remove.err, HasSubstr("--watch"));

  const CommandResult after = Cli({"watch", "list", "--json", "--grpc-listen", grpc});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(Listed(after), ElementsAre(".allowed.test static", "new.forbidden.test stored"));
  const std::vector<nlohmann::json> after_json = JsonLines(after.out);
  ASSERT_EQ(after_json.size(), 2u);
  EXPECT_TRUE(after_json[0]["added_at"].is_null());
  absl::Time added_at;
  std::string error;
  EXPECT_TRUE(absl::ParseTime(absl::RFC3339_full, after_json[1]["added_at"].get<std::string>(),
                              &added_at, &error))
      << error;
  EXPECT_LT(absl::AbsDuration(absl::Now() - added_at), absl::Minutes(5));
  const CommandResult text = Cli({"watch", "list", "--grpc-listen", grpc});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("new.forbidden.test"));
  EXPECT_THAT(text.out, HasSubstr(".allowed.test"));
  EXPECT_THAT(text.out, ::testing::Not(HasSubstr("gone.forbidden.test")));

  // The added name's CAA path is looked up at once, as at start for the static names, so its
  // certificates are judged by CAA observed before they were issued.
  bool observed = false;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30);
       !observed && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(200))) {
    const CommandResult history = Cli({"caa", "history", "new.forbidden.test", "--json"});
    observed = history.exit_code == 0 && !JsonLines(history.out).empty();
  }
  ASSERT_TRUE(observed) << "the CAA of an added name was not looked up: " << monitor.Stderr();

  auto stub = v1::Monitor::NewStub(channel);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  log->Signal(SIGUSR1);  // gone.forbidden.test first, then new.forbidden.test.
  v1::Alert alert;
  ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
  EXPECT_THAT(alert.finding().watched_names(), ElementsAre("new.forbidden.test"));
  EXPECT_EQ(alert.finding().verdict(), v1::FORBIDDEN);
  EXPECT_EQ(alert.finding().severity(), v1::CRITICAL);
  context.TryCancel();
  ASSERT_TRUE(testing::StopsCleanly(monitor));

  // The removed name's certificate was logged before the added one's, so it was read before
  // the alert came; only the added name's certificate is a finding.
  const CommandResult findings = Cli({"findings", "--json"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  const std::vector<nlohmann::json> all = JsonLines(findings.out);
  ASSERT_EQ(all.size(), 1u) << findings.out;
  EXPECT_EQ(all[0]["watched_names"], nlohmann::json::array({"new.forbidden.test"}));
  EXPECT_THAT(findings.out, ::testing::Not(HasSubstr("gone.forbidden.test")));

  // Stopped: `watch list` reads the store itself, which kept the stored entry.
  const CommandResult stopped = Cli({"watch", "list", "--json"});
  ASSERT_EQ(stopped.exit_code, 0) << stopped.err;
  EXPECT_THAT(Listed(stopped), ElementsAre("new.forbidden.test stored"));
}

}  // namespace
}  // namespace caawatch
