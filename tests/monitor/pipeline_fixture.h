// The monitor's Pipeline for integration tests: Knot DNS (changeable with knsupdate) behind a DNS
// fault proxy, libunbound, RocksDB in a temp dir, a test CT log served over HTTP and tailed by a
// LogWorker, the re-evaluator, and a FakeClock shared by the log and the pipeline.
#ifndef CAAWATCH_TESTS_MONITOR_PIPELINE_FIXTURE_H_
#define CAAWATCH_TESTS_MONITOR_PIPELINE_FIXTURE_H_

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "caa/resolver.h"
#include "caa/unbound_resolver.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "gtest/gtest.h"
#include "judge/alert_hub.h"
#include "judge/caa_observer.h"
#include "judge/issuer_source.h"
#include "judge/reevaluator.h"
#include "monitor/config.h"
#include "monitor/pipeline.h"
#include "names/domain_name.h"
#include "store/store.h"
#include "tail/log_worker.h"
#include "tests/fakes/dns/dns_fault_proxy.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/temp_dir.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"
#include "watch/watchlist.h"

namespace caawatch::monitor {

// Watches ".shop.test"; names are looked up through proxy_, which tests give faults.
class PipelineFixture : public ::testing::Test {
 protected:
  void SetUp() override { data_dir_ = (dir_ / "data").string(); }

  // Starts everything with `records` as the zone's (relative to "test"), certificates from a
  // CA of `brand`, and DNS through a fault proxy in front of Knot.
  void Start(const std::string& records, fakes::CaBrand brand,
             caa::ResolverOptions resolver_options = {}) {
    fakes::KnotZone zone;
    zone.origin = "test";
    zone.records = records;
    zone.allow_updates = true;
    auto knot = fakes::KnotServer::Start({zone});
    ASSERT_TRUE(knot.ok()) << knot.status();
    knot_ = std::move(*knot);
    auto proxy = fakes::DnsFaultProxy::Start(knot_->port());
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = std::move(*proxy);

    // The parts as `caawatch run` builds them (monitor::Pipeline), from this configuration.
    MonitorConfig config;
    config.data_dir = data_dir_;
    config.dns_servers = {proxy_->address()};
    config.dnssec = false;
    config.dns_timeout = resolver_options.timeout;
    config.dns_retries = resolver_options.retries;
    config.dns_tcp_fallback = resolver_options.tcp_fallback;
    auto watch = watch::ParseWatchItem(".shop.test");
    ASSERT_TRUE(watch.ok()) << watch.status();
    PipelineHooks hooks;
    hooks.wrap_resolver = [this](std::unique_ptr<caa::CaaResolver> real) {
      return WrapResolver(std::move(real));
    };
    hooks.reevaluator_options = reevaluator_options_;
    auto pipeline = Pipeline::Create(
        config, watch::Watchlist(std::vector<watch::WatchItem>{*watch}), &clock_, &logger_, hooks);
    ASSERT_TRUE(pipeline.ok()) << pipeline.status();
    pipeline_ = *std::move(pipeline);
    store_ = pipeline_->store();
    issuers_ = pipeline_->issuers();
    observer_ = pipeline_->observer();
    reevaluator_ = pipeline_->reevaluator();
    alerts_ = pipeline_->alerts();
    alerts_->Subscribe([this](uint64_t seq) { published_.push_back(seq); });

    auto log = fakes::TestLog::Create(&clock_, /*seed=*/7);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto chain = fakes::MakeCaChain(&factory_, brand, clock_.Now());
    ASSERT_TRUE(chain.ok()) << chain.status();
    chain_ = std::move(*chain);
    log_->AddRoot(chain_.root.der);
    auto server = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  // The resolver the observer uses: the real one, or a test's wrapper around it.
  virtual std::unique_ptr<caa::CaaResolver> WrapResolver(std::unique_ptr<caa::CaaResolver> real) {
    return real;
  }

  void TearDown() override { pipeline_.reset(); }

  // A name the test spells: a names::DomainName, as every layer takes it.
  static names::DomainName Name(absl::string_view text) { return *names::DomainName::Parse(text); }

  void Poll() { ASSERT_TRUE(observer_->ObservePath(Name("shop.test")).ok()); }

  void Plant(const std::string& name) {
    ASSERT_TRUE(
        fakes::PlantCertificate(log_.get(), &factory_, chain_, fakes::LeafFor(name, clock_.Now()))
            .ok());
  }

  // A LogWorker over the test log, reading it through the real curl fetcher, with the pipeline's
  // parts; its requests are neither paced nor retried (a test sees each fault it plants).
  std::unique_ptr<tail::LogWorker> NewWorker(tail::LogWorkerOptions options = {}) {
    auto logs = ctlog::ParseLogList(server_->LogListJson());
    EXPECT_TRUE(logs.ok()) << logs.status();
    auto fetcher = ctlog::CurlHttpFetcher::Create();
    EXPECT_TRUE(fetcher.ok()) << fetcher.status();
    if (!logs.ok() || !fetcher.ok()) return nullptr;
    tail::LogWorkerDeps deps = pipeline_->worker_deps();
    deps.pacing_clock = nullptr;
    return std::make_unique<tail::LogWorker>((*logs)[0], std::move(*fetcher), deps, options);
  }

  // Publishes everything planted and runs one log worker over it.
  void Ingest() {
    ASSERT_TRUE(log_->PublishSth().ok());
    std::unique_ptr<tail::LogWorker> worker = NewWorker();
    ASSERT_NE(worker, nullptr);
    absl::Notification stop;
    ASSERT_TRUE(worker->CatchUp(stop).ok());
  }

  void ChangeShopCaa(const std::string& issuer) {
    ASSERT_TRUE(knot_
                    ->Update("test",
                             "update delete shop.test. CAA\n"
                             "update add shop.test. 60 CAA 0 issue \"" +
                                 issuer + "\"\n")
                    .ok());
  }

  // What a Subscribe stream that already read up to `*cursor` receives next: the alerts
  // (critical and warning findings) with a higher seq, in seq order. Advances the cursor.
  std::vector<store::FindingRecord> Drain(uint64_t* cursor) {
    store::FindingQuery q;
    q.after_seq = *cursor;
    q.severities = {"critical", "warning"};
    auto page = store_->findings().List(q);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    for (const store::FindingRecord& f : *page) *cursor = std::max(*cursor, f.seq());
    return *page;
  }

  store::FindingRecord FindingFor(const std::string& name) {
    auto found = store_->findings().ForName(name, /*subtree=*/false, store::FindingQuery{});
    EXPECT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->size(), 1u) << name;
    return found->empty() ? store::FindingRecord() : found->front();
  }

  TempDir dir_{"caawatch_pipeline"};
  std::string data_dir_;
  FakeClock clock_{absl::FromUnixSeconds(1790000000)};  // 2026-09-21.
  Logger logger_;
  std::unique_ptr<fakes::KnotServer> knot_;
  std::unique_ptr<fakes::DnsFaultProxy> proxy_;
  std::unique_ptr<Pipeline> pipeline_;
  // The pipeline's parts the tests use.
  store::Store* store_ = nullptr;
  judge::IssuerSource* issuers_ = nullptr;
  judge::CaaObserver* observer_ = nullptr;
  judge::Reevaluator* reevaluator_ = nullptr;
  judge::ReevaluatorOptions reevaluator_options_;  // Set before Start.
  judge::AlertHub* alerts_ = nullptr;
  std::vector<uint64_t> published_;
  fakes::CertificateFactory factory_{7};
  fakes::CaChain chain_;
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_TESTS_MONITOR_PIPELINE_FIXTURE_H_
