// The running monitor looks up every watched name's CAA once per caa_poll_interval of its clock,
// not sooner: the Supervisor's CAA poller waits on the Clock. Real parts: Knot DNS, libunbound,
// a test CT log over HTTP, RocksDB on disk, the Supervisor's threads. Time is a FakeClock that
// the test steps, waiting after each step until every loop has acted on it.
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "gtest/gtest.h"
#include "monitor/config.h"
#include "monitor/supervisor.h"
#include "store/store.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"
#include "tests/monitor/running_supervisor.h"
#include "watch/watchlist.h"

namespace caawatch::monitor {
namespace {

// How long (real time) a step may take; only a broken build waits this long.
constexpr absl::Duration kPatience = absl::Seconds(60);

class SupervisorCaaPollTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / absl::StrCat("caawatch_caa_poll_", getpid());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    fakes::KnotZone zone;
    zone.origin = "test";
    zone.records = "shop 60 CAA 0 issue \"letsencrypt.org\"\n";
    auto knot = fakes::KnotServer::Start({zone});
    ASSERT_TRUE(knot.ok()) << knot.status();
    knot_ = *std::move(knot);
    // A log to tail, with one certificate for a name nobody watches.
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    ASSERT_TRUE(chain.ok()) << chain.status();
    auto log = fakes::TestLog::Create(&clock_, /*seed=*/41);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    ASSERT_TRUE(fakes::PlantCertificate(log_.get(), &factory_, *chain,
                                        fakes::LeafFor("other.example", clock_.Now()))
                    .ok());
    ASSERT_TRUE(log_->PublishSth().ok());
    auto server = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ASSERT_TRUE(server_->WriteLogList((dir_ / "loglist.json").string()).ok());
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // When the store last saw `name`'s CAA answer (the clock's time of the last lookup).
  absl::Time LastSeen(const std::string& name) {
    store::OpenOptions ro;
    ro.read_only = true;
    auto store = store::Store::Open((dir_ / "data").string(), ro);
    if (!store.ok()) return absl::InfinitePast();
    auto history =
        (*store)->caa_history().Observations(name, absl::InfinitePast(), absl::InfiniteFuture());
    if (!history.ok() || history->empty()) return absl::InfinitePast();
    return absl::FromUnixMillis(history->back().last_seen_ms());
  }
  void Step(absl::Duration d, size_t loops) {
    clock_.Advance(d);
    ASSERT_TRUE(clock_.AwaitIdle(loops, kPatience)) << clock_.waiters() << " wait on the clock";
  }

  std::filesystem::path dir_;
  FakeClock clock_{absl::FromUnixSeconds(1790000000)};
  Logger logger_{LogLevel::kWarning};
  std::unique_ptr<fakes::KnotServer> knot_;
  fakes::CertificateFactory factory_{41};
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
};

TEST_F(SupervisorCaaPollTest, WatchedNamesAreLookedUpAgainOncePerPollIntervalOfTheClock) {
  MonitorConfig config;
  config.data_dir = (dir_ / "data").string();
  config.log_list = (dir_ / "loglist.json").string();
  config.caa_poll_interval = absl::Hours(1);
  config.max_requests_per_second = 0;  // Pacing waits in real time; the log is local.
  config.grpc_listen = "127.0.0.1:0";
  config.dnssec = false;
  config.dns_servers = {knot_->address()};
  auto watch = watch::ParseWatchItem(".shop.test");
  ASSERT_TRUE(watch.ok()) << watch.status();
  auto supervisor = Supervisor::Create(
      config, watch::Watchlist(std::vector<watch::WatchItem>{*watch}), &clock_, &logger_);
  ASSERT_TRUE(supervisor.ok()) << supervisor.status();
  const absl::Time start = clock_.Now();
  RunningSupervisor running(supervisor->get());

  // Idle, the run loop, the CAA poller, the revocation follower, the proof keeper and the log's
  // worker wait on the clock. The first poll came before the log was read.
  ASSERT_TRUE(clock_.AwaitIdle(5, kPatience)) << clock_.waiters();
  EXPECT_EQ(LastSeen("shop.test"), start);
  // Through the interval the poller wakes every reevaluate_interval (30 s) for late data, but
  // looks nothing up again: a name answered less than an interval ago is not due.
  for (int i = 1; i <= 6; ++i) {
    ASSERT_NO_FATAL_FAILURE(Step(absl::Minutes(9) + absl::Seconds(59), 5));
    EXPECT_EQ(LastSeen("shop.test"), start) << "looked up again after " << i * 10 << " min";
  }
  ASSERT_NO_FATAL_FAILURE(Step(absl::Seconds(6), 5));  // One interval after the first poll.
  EXPECT_EQ(LastSeen("shop.test"), start + absl::Hours(1));
  EXPECT_EQ(LastSeen("test"), start + absl::Hours(1));  // Its search path's parent too.

  const absl::Status run_status = running.Stop();
  EXPECT_TRUE(run_status.ok()) << run_status;
}

}  // namespace
}  // namespace caawatch::monitor
