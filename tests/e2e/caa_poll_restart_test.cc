// The CAA poll across runs (`caawatch run --once` as cron runs it): a run within the poll
// interval of the last one asks DNS nothing for the watched names, and once the interval has
// passed they are asked again. Real Knot behind the DNS fault proxy, which counts queries.
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/dns_fault_proxy.h"

namespace caawatch {
namespace {

using testing::CommandResult;

using CaaPollRestartTest = testing::EndToEndFixture;

TEST_F(CaaPollRestartTest, ARunWithinThePollIntervalAsksNothingAgainAndALaterOneDoes) {
  auto log = StartLog({.noise = 50, .plants = {}});
  int knot_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(std::vector<std::string>(absl::StrSplit(dns_server(), ':')).back(),
                               &knot_port));
  auto proxy = fakes::DnsFaultProxy::Start(knot_port);
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  const std::string config = WriteFile("config.json", R"({"caa_poll_interval": "3s"})");
  std::vector<std::string> args =
      RunArgs({"--once", "--config", config}, {"a.allowed.test", "b.allowed.test"});
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--dns-server") args[i + 1] = (*proxy)->address();
  }
  const auto asked = [&] {
    return (*proxy)->Queries("a.allowed.test").udp + (*proxy)->Queries("b.allowed.test").udp +
           (*proxy)->Queries("allowed.test").udp;
  };

  const CommandResult first = testing::RunCommand(args, dir(), absl::Seconds(120));
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(asked(), 3);
  const absl::Time first_done = absl::Now();

  const CommandResult again = testing::RunCommand(args, dir(), absl::Seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ASSERT_LT(absl::Now() - first_done, absl::Seconds(2)) << "too slow to test within 3 s";
  EXPECT_EQ(asked(), 3) << "the names were answered a moment ago";
  EXPECT_NE(again.err.find("answered within the poll interval"), std::string::npos) << again.err;

  absl::SleepFor(absl::Seconds(3) - (absl::Now() - first_done));
  const CommandResult due = testing::RunCommand(args, dir(), absl::Seconds(120));
  ASSERT_EQ(due.exit_code, 0) << due.err;
  EXPECT_EQ(asked(), 6) << "the poll interval had passed";
  const CommandResult history = Cli({"caa", "history", "a.allowed.test", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_NE(history.out.find("a.allowed.test"), std::string::npos) << history.out;
}

}  // namespace
}  // namespace caawatch
