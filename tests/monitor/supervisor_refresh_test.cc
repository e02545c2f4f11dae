// The log list served over HTTP changes while `run` is running: the Supervisor fetches it again
// with If-None-Match (a 304 when unchanged), starts tailing a log that appears, and finishes
// logs that become read-only or retired, without a restart. Real parts: the test logs over HTTP,
// RocksDB on disk, the Supervisor's threads; time is real (short intervals).
#include <memory>
#include <string>
#include <thread>

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
  bool WaitFor(const std::function<bool()>& condition) {
    const absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline) {
      if (condition()) return true;
      absl::SleepFor(absl::Milliseconds(50));
    }
    return false;
  }
  // True once `served` got no request for `quiet`: its worker stopped.
  bool WaitQuiet(const ServedLog& served, absl::Duration quiet) {
    uint64_t last = served.server->requests_served();
    absl::Time since = absl::Now();
    return WaitFor([&] {
      const uint64_t now = served.server->requests_served();
      if (now != last) {
        last = now;
        since = absl::Now();
      }
      return absl::Now() - since >= quiet;
    });
  }

  TempDir dir_{"caawatch_refresh"};
  FakeClock clock_{absl::Now()};  // Entry and head timestamps: fresh, so no stale warning.
  RealClock real_clock_;
  Logger logger_{LogLevel::kWarning};
  fakes::CertificateFactory factory_{31};
  fakes::CaChain chain_;
  std::vector<ServedLog> logs_;
  std::unique_ptr<fakes::HttpServer> list_server_;
  absl::Mutex mu_;
  Json list_ ABSL_GUARDED_BY(mu_);
  int version_ ABSL_GUARDED_BY(mu_) = 0;
  int not_modified_ ABSL_GUARDED_BY(mu_) = 0;
  int n_ = 0;
};

TEST_F(SupervisorRefreshTest, LogsThatAppearAreTailedAndLogsThatStopGrowingAreFinished) {
  Grow(logs_[0], 2);
  Grow(logs_[1], 3);
  ServeList({Entry(logs_[0], "usable")});
  MonitorConfig config;
  config.data_dir = dir_.string();
  config.log_list = absl::StrCat("http://127.0.0.1:", list_server_->port(), "/list.json");
  config.log_list_refresh_interval = absl::Milliseconds(200);
  config.sth_poll_interval = absl::Milliseconds(100);
  config.grpc_listen = "127.0.0.1:0";
  config.dnssec = false;
  config.dns_servers = {"127.0.0.1:9"};  // No name is watched: never asked.
  auto supervisor = Supervisor::Create(config, {}, &real_clock_, &logger_);
  ASSERT_TRUE(supervisor.ok()) << supervisor.status();
  absl::Notification stop;
  absl::Status run_status;
  std::thread runner([&] { run_status = (*supervisor)->Run(stop); });

  EXPECT_TRUE(WaitFor([&] { return Verified(logs_[0]) == 4; }));
  EXPECT_TRUE(WaitFor([&] { return not_modified() >= 2; }));  // Unchanged: 304s, no reload.
  EXPECT_EQ(logs_[1].server->requests_served(), 0u);

  ServeList({Entry(logs_[0], "usable"), Entry(logs_[1], "usable")});  // A new log appears.
  EXPECT_TRUE(WaitFor([&] { return Verified(logs_[1]) == 6; }));

  Grow(logs_[0], 1);  // 6 entries, then read-only at 6: finished there.
  ServeList({Entry(logs_[0], "readonly"), Entry(logs_[1], "retired")});
  EXPECT_TRUE(WaitFor([&] { return Verified(logs_[0]) == 6; }));
  EXPECT_TRUE(WaitQuiet(logs_[0], absl::Seconds(1)));
  EXPECT_TRUE(WaitQuiet(logs_[1], absl::Seconds(1)));
  // Whatever they publish now is no longer read.
  Grow(logs_[0], 2);
  Grow(logs_[1], 2);
  const uint64_t a_requests = logs_[0].server->requests_served();
  const uint64_t b_requests = logs_[1].server->requests_served();
  absl::SleepFor(absl::Milliseconds(600));
  EXPECT_EQ(logs_[0].server->requests_served(), a_requests);
  EXPECT_EQ(logs_[1].server->requests_served(), b_requests);
  EXPECT_EQ(Verified(logs_[0]), 6u);
  EXPECT_EQ(Verified(logs_[1]), 6u);

  stop.Notify();
  runner.join();
  EXPECT_TRUE(run_status.ok()) << run_status;
}

}  // namespace
}  // namespace caawatch::monitor
