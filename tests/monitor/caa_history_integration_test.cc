// CAA at issuance time through the whole monitor pipeline, with the records really changing:
// Knot DNS serves the zone and is updated with knsupdate mid-test, libunbound queries it, the
// observations land in RocksDB, and a LogWorker tails a test log over HTTP. Time is a
// FakeClock shared by the log (entry timestamps) and the observer, so hours pass instantly.
#include <filesystem>
#include <memory>
#include <string>

#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "caa/issuer_map.h"
#include "caa/unbound_resolver.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "gtest/gtest.h"
#include "monitor/alert_hub.h"
#include "monitor/caa_observer.h"
#include "monitor/issuance_evaluator.h"
#include "monitor/log_worker.h"
#include "monitor/watch_source.h"
#include "monitor/watchlist.h"
#include "store/finding_store.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"

namespace caawatch::monitor {
namespace {

class CaaHistoryIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("caawatch_caa_history_" + std::to_string(getpid()));
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);

    fakes::KnotZone zone;
    zone.origin = "test";
    zone.records = "shop 60 CAA 0 issue \"letsencrypt.org\"\n";
    zone.allow_updates = true;
    auto knot = fakes::KnotServer::Start({zone});
    ASSERT_TRUE(knot.ok()) << knot.status();
    knot_ = std::move(*knot);

    caa::ResolverOptions resolver_options;
    resolver_options.servers = {knot_->address()};
    resolver_options.dnssec = false;
    auto resolver = caa::UnboundResolver::Create(resolver_options, &clock_);
    ASSERT_TRUE(resolver.ok()) << resolver.status();
    resolver_ = std::move(*resolver);
    auto store = store::FindingStore::Open(dir_.string() + "/data");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto issuers = caa::IssuerMap::BuiltIn();
    ASSERT_TRUE(issuers.ok()) << issuers.status();
    issuers_ = std::make_unique<caa::IssuerMap>(std::move(*issuers));
    observer_ = std::make_unique<CaaObserver>(resolver_.get(), store_.get(), &clock_);
    evaluator_ = std::make_unique<IssuanceEvaluator>(issuers_.get(), observer_.get());
    auto watch = ParseWatchItem(".shop.test");
    ASSERT_TRUE(watch.ok()) << watch.status();
    watches_ = std::make_unique<WatchSource>(std::vector<WatchItem>{*watch}, store_.get());

    auto log = fakes::TestLog::Create(&clock_, /*seed=*/5);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = std::move(*log);
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    ASSERT_TRUE(chain.ok()) << chain.status();
    chain_ = std::move(*chain);
    log_->AddRoot(chain_.root.der);
    auto server = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
  }

  void TearDown() override { std::filesystem::remove_all(dir_); }

  // One CAA poll of the watched domain, as the supervisor's poller does.
  void Poll() { ASSERT_TRUE(observer_->ObservePath("shop.test").ok()); }

  void Plant(const std::string& name) {
    ASSERT_TRUE(
        fakes::PlantCertificate(log_.get(), &factory_, chain_, fakes::LeafFor(name, clock_.Now()))
            .ok());
  }

  // Publishes everything planted and runs one log worker over it.
  void Ingest() {
    ASSERT_TRUE(log_->PublishSth().ok());
    auto logs = ctlog::ParseLogList(server_->LogListJson());
    ASSERT_TRUE(logs.ok()) << logs.status();
    auto fetcher = ctlog::CurlHttpFetcher::Create();
    ASSERT_TRUE(fetcher.ok()) << fetcher.status();
    LogWorkerDeps deps;
    deps.store = store_.get();
    deps.evaluator = evaluator_.get();
    deps.watches = watches_.get();
    deps.alerts = &alerts_;
    deps.clock = &clock_;
    deps.logger = &logger_;
    LogWorker worker((*logs)[0], std::move(*fetcher), deps, LogWorkerOptions{});
    absl::Notification stop;
    ASSERT_TRUE(worker.CatchUp(stop).ok());
  }

  store::FindingRecord FindingFor(const std::string& name) {
    auto found = store_->FindingsForName(name, /*subtree=*/false, store::FindingQuery{});
    EXPECT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->size(), 1u) << name;
    return found->empty() ? store::FindingRecord() : found->front();
  }

  std::filesystem::path dir_;
  FakeClock clock_{absl::FromUnixSeconds(1790000000)};  // 2026-09-21.
  Logger logger_;
  std::unique_ptr<fakes::KnotServer> knot_;
  std::unique_ptr<caa::CaaResolver> resolver_;
  std::unique_ptr<store::FindingStore> store_;
  std::unique_ptr<caa::IssuerMap> issuers_;
  std::unique_ptr<CaaObserver> observer_;
  std::unique_ptr<IssuanceEvaluator> evaluator_;
  std::unique_ptr<WatchSource> watches_;
  AlertHub alerts_;
  fakes::CertificateFactory factory_{5};
  fakes::CaChain chain_;
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
};

TEST_F(CaaHistoryIntegrationTest, CertificatesAreJudgedByTheRecordsInEffectWhenIssued) {
  Poll();  // shop.test lets Let's Encrypt issue.
  clock_.Advance(absl::Hours(1));
  Plant("before.shop.test");  // Issued under the old records, logged but not yet published.
  clock_.Advance(absl::Hours(1));
  Poll();

  // The owner switches to Google Trust Services only.
  ASSERT_TRUE(knot_
                  ->Update("test",
                           "update delete shop.test. CAA\n"
                           "update add shop.test. 60 CAA 0 issue \"pki.goog\"\n")
                  .ok());
  for (int hour = 0; hour < 60; ++hour) {  // Hourly polls: two and a half quiet days.
    clock_.Advance(absl::Hours(1));
    Poll();
  }
  Plant("after.shop.test");  // Issued long after the change, by a CA no longer allowed.
  clock_.Advance(absl::Minutes(5));
  Ingest();  // Both are processed now, after the change.

  const store::FindingRecord before = FindingFor("before.shop.test");
  EXPECT_EQ(before.verdict(), "permitted") << before.DebugString();
  EXPECT_EQ(before.severity(), "info");
  ASSERT_EQ(before.caa_size(), 1);
  // Judged by the parent's records: before.shop.test's own were never looked up before issuance.
  EXPECT_EQ(before.caa(0).basis(), "ancestor_based");
  EXPECT_EQ(before.caa(0).records(0).value(), "letsencrypt.org");

  const store::FindingRecord after = FindingFor("after.shop.test");
  EXPECT_EQ(after.verdict(), "forbidden") << after.DebugString();
  EXPECT_EQ(after.severity(), "critical");
  ASSERT_EQ(after.caa_size(), 1);
  EXPECT_EQ(after.caa(0).relevant_name(), "shop.test");
  EXPECT_EQ(after.caa(0).records(0).value(), "pki.goog");

  // The history keeps both answers, each with the span it was seen over.
  auto history = store_->CaaHistory("shop.test", absl::InfinitePast(), absl::InfiniteFuture());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].records(0).value(), "letsencrypt.org");
  EXPECT_EQ((*history)[1].records(0).value(), "pki.goog");
  EXPECT_LT((*history)[0].last_seen_ms(), (*history)[1].first_seen_ms());
}

TEST_F(CaaHistoryIntegrationTest, ACertificateIssuedBetweenPollsAcrossAChangeIsGivenTheBenefit) {
  Poll();
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(knot_
                  ->Update("test",
                           "update delete shop.test. CAA\n"
                           "update add shop.test. 60 CAA 0 issue \"pki.goog\"\n")
                  .ok());
  Plant("race.shop.test");  // The change time is unknown: the CA may have checked before it.
  clock_.Advance(absl::Minutes(30));
  Ingest();
  const store::FindingRecord race = FindingFor("race.shop.test");
  EXPECT_EQ(race.verdict(), "permitted") << race.DebugString();
  EXPECT_NE(race.caa(0).reason().find("changed"), std::string::npos) << race.caa(0).reason();
}

}  // namespace
}  // namespace caawatch::monitor
