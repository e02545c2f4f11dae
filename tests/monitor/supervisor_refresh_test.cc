// The log list served over HTTP changes while `run` is running: the Supervisor fetches it again
// every log_list_refresh_interval, and not before, with If-None-Match (a 304 when unchanged),
// starts tailing a log that appears, and finishes logs that become read-only or retired, without
// a restart. Real parts: the test logs over HTTP, RocksDB on disk, the Supervisor's threads.
// Time is a FakeClock that the test steps: after each step it waits until every loop of the
// Supervisor (its run loop, the CAA poller, each log's worker) has acted on the step and waits on
// the clock again, then checks what they did, so nothing here depends on how fast they run.
#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "gtest/gtest.h"
#include "monitor/config.h"
#include "monitor/supervisor.h"
#include "nlohmann/json.hpp"
#include "store/store.h"
#include "tests/fakes/http_server.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"
#include "tests/monitor/running_supervisor.h"

namespace caawatch::monitor {
namespace {

using Json = nlohmann::json;

struct ServedLog {
  std::unique_ptr<fakes::TestLog> log;
  std::unique_ptr<fakes::TestLogServer> server;
};

class SupervisorRefreshTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    ASSERT_TRUE(chain.ok());
    chain_ = *std::move(chain);
    for (uint64_t seed : {31, 32}) {
      ServedLog served;
      auto log = fakes::TestLog::Create(&clock_, seed);
      ASSERT_TRUE(log.ok());
      served.log = *std::move(log);
      auto server = fakes::TestLogServer::Start(served.log.get());
      ASSERT_TRUE(server.ok());
      served.server = *std::move(server);
      logs_.push_back(std::move(served));
    }
    auto list_server = fakes::HttpServer::Start([this](const fakes::HttpRequest& request) {
      absl::MutexLock lock(&mu_);
      ++list_requests_;
      fakes::HttpReply reply;
      const std::string etag = absl::StrCat("\"v", version_, "\"");
      auto it = request.headers.find("if-none-match");
      if (it != request.headers.end() && it->second == etag) {
        ++not_modified_;
        reply.status = 304;
        return reply;
      }
      reply.headers.emplace_back("ETag", etag);
      reply.body = list_.dump();
      return reply;
    });
    ASSERT_TRUE(list_server.ok());
    list_server_ = *std::move(list_server);
  }

  void Grow(ServedLog& served, int pairs) {
    for (int i = 0; i < pairs; ++i) {
      ASSERT_TRUE(fakes::PlantCertificate(
                      served.log.get(), &factory_, chain_,
                      fakes::LeafFor(absl::StrCat("n", n_++, ".list.test"), clock_.Now()))
                      .ok());
    }
    ASSERT_TRUE(served.log->PublishSth().ok());
  }
  // The log's entry as its own log list has it, in `state` ("usable", "readonly", "retired").
  Json Entry(const ServedLog& served, const std::string& state) {
    Json log = Json::parse(served.server->LogListJson())["operators"][0]["logs"][0];
    Json value = {{"timestamp", "2026-09-01T00:00:00Z"}};
    if (state == "readonly") {
      const ctlog::SignedTreeHead sth = served.log->LatestSth();
      value["final_tree_head"] = {{"tree_size", sth.tree_size},
                                  {"sha256_root_hash", fakes::Base64Encode(sth.root_hash)}};
    }
    log["state"] = Json{{state, value}};
    return log;
  }
  void ServeList(std::vector<Json> entries) {
    absl::MutexLock lock(&mu_);
    ++version_;
    list_ = {{"version", "1"}, {"operators", Json::array({{{"name", "op"}, {"logs", entries}}})}};
  }
  int not_modified() {
    absl::MutexLock lock(&mu_);
    return not_modified_;
  }
  // The verified size of `served` in the store, read through a read-only open.
  uint64_t Verified(const ServedLog& served) {
    store::OpenOptions ro;
    ro.read_only = true;
    auto store = store::Store::Open(dir_.string(), ro);
    if (!store.ok()) return 0;
    auto state = (*store)->logs().LoadState(
        std::string(served.log->log_id().begin(), served.log->log_id().end()));
    return state.ok() && state->has_value() ? (*state)->verified_size() : 0;
  }
  int list_requests() {
    absl::MutexLock lock(&mu_);
    return list_requests_;
  }
  // Moves the clock by `d` and waits until every loop it woke has acted on it and waits again
  // (or has ended), and at least `loops` threads wait on the clock.
  void Step(absl::Duration d, size_t loops) {
    clock_.Advance(d);
    ASSERT_TRUE(clock_.AwaitIdle(loops, kPatience))
        << clock_.waiters() << " threads wait on the clock, " << loops << " expected";
  }

  // How long (real time) a step may take; only a broken build waits this long.
  static constexpr absl::Duration kPatience = absl::Seconds(60);
  TempDir dir_{"caawatch_refresh"};
  // The Supervisor's time, and the logs' (entry and head timestamps are fresh: no stale head).
  FakeClock clock_{absl::FromUnixSeconds(1790000000)};
  Logger logger_{LogLevel::kWarning};
  fakes::CertificateFactory factory_{31};
  fakes::CaChain chain_;
  std::vector<ServedLog> logs_;
  std::unique_ptr<fakes::HttpServer> list_server_;
  absl::Mutex mu_;
  Json list_ ABSL_GUARDED_BY(mu_);
  int version_ ABSL_GUARDED_BY(mu_) = 0;
  int not_modified_ ABSL_GUARDED_BY(mu_) = 0;
  int list_requests_ ABSL_GUARDED_BY(mu_) = 0;
  int n_ = 0;
};

TEST_F(SupervisorRefreshTest, LogsThatAppearAreTailedAndLogsThatStopGrowingAreFinished) {
  Grow(logs_[0], 2);
  Grow(logs_[1], 3);
  ServeList({Entry(logs_[0], "usable")});
  MonitorConfig config;
  config.data_dir = dir_.string();
  config.log_list = absl::StrCat("http://127.0.0.1:", list_server_->port(), "/list.json");
  config.log_list_refresh_interval = absl::Hours(1);
  config.sth_poll_interval = absl::Seconds(1);
  config.max_requests_per_second = 0;  // Pacing waits in real time; these logs are local.
  config.grpc_listen = "127.0.0.1:0";
  config.dnssec = false;
  config.dns_servers = {"127.0.0.1:9"};  // No name is watched: never asked.
  auto supervisor = Supervisor::Create(config, {}, &clock_, &logger_);
  ASSERT_TRUE(supervisor.ok()) << supervisor.status();
  EXPECT_EQ(list_requests(), 1);
  RunningSupervisor running(supervisor->get());

  // Idle, the run loop, the CAA poller, the revocation follower, the proof keeper and log A's
  // worker (having read A) wait on the clock.
  ASSERT_TRUE(clock_.AwaitIdle(5, kPatience)) << clock_.waiters();
  EXPECT_EQ(Verified(logs_[0]), 4u);

  // A new log appears in the list. Through most of the refresh interval every loop runs (A's
  // head is polled each second, memory is released every 10 s, late data looked for every 30 s),
  // but the list is not fetched again: B is not read.
  ServeList({Entry(logs_[0], "usable"), Entry(logs_[1], "usable")});
  for (int i = 0; i < 6; ++i) {
    ASSERT_NO_FATAL_FAILURE(Step(absl::Minutes(9) + absl::Seconds(59), 5));
    EXPECT_EQ(list_requests(), 1) << "fetched " << (i + 1) * 10 << " min after the last fetch";
  }
  EXPECT_EQ(logs_[1].server->requests_served(), 0u);
  // One interval after the last fetch: B is tailed (its worker is a sixth waiter).
  ASSERT_NO_FATAL_FAILURE(Step(absl::Seconds(6), 6));
  EXPECT_EQ(list_requests(), 2);
  EXPECT_EQ(Verified(logs_[1]), 6u);

  // Unchanged: a 304, nothing reloaded.
  ASSERT_NO_FATAL_FAILURE(Step(absl::Hours(1), 6));
  EXPECT_EQ(list_requests(), 3);
  EXPECT_EQ(not_modified(), 1);

  Grow(logs_[0], 1);  // 6 entries, then read-only at 6: finished there.
  ServeList({Entry(logs_[0], "readonly"), Entry(logs_[1], "retired")});
  ASSERT_NO_FATAL_FAILURE(Step(absl::Hours(1), 4));
  EXPECT_EQ(list_requests(), 4);
  // At its next poll each worker reads up to its final size (B's is the size it serves then) and
  // ends: only the run loop, the CAA poller, the revocation follower and the proof keeper still
  // wait on the clock.
  ASSERT_NO_FATAL_FAILURE(Step(absl::Seconds(1), 4));
  EXPECT_EQ(clock_.waiters(), 4u);
  EXPECT_EQ(Verified(logs_[0]), 6u);
  EXPECT_EQ(Verified(logs_[1]), 6u);

  // Whatever they publish now is no longer read, however long the monitor runs.
  Grow(logs_[0], 2);
  Grow(logs_[1], 2);
  const uint64_t a_requests = logs_[0].server->requests_served();
  const uint64_t b_requests = logs_[1].server->requests_served();
  for (int i = 0; i < 5; ++i) {
    ASSERT_NO_FATAL_FAILURE(Step(absl::Seconds(1), 4));
    EXPECT_EQ(clock_.waiters(), 4u);
  }
  EXPECT_EQ(logs_[0].server->requests_served(), a_requests);
  EXPECT_EQ(logs_[1].server->requests_served(), b_requests);
  EXPECT_EQ(Verified(logs_[0]), 6u);
  EXPECT_EQ(Verified(logs_[1]), 6u);

  const absl::Status run_status = running.Stop();
  EXPECT_TRUE(run_status.ok()) << run_status;
}

}  // namespace
}  // namespace caawatch::monitor
