// Re-evaluation on late data through the monitor pipeline: Knot DNS serves the zone (changed
// with knsupdate mid-test), libunbound queries it, a LogWorker tails a test log over HTTP into
// RocksDB, and a subscriber reads alerts by seq as the gRPC Subscribe stream does. A verdict
// that gets worse (the CA map learns an unknown issuer) is alerted again, exactly once; an
// improvement or an equal verdict (a later observation across an unknown change time) is
// stored with the old verdict in the history and alerts nobody.
#include <unistd.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "caa/issuer_map.h"
#include "caa/issuer_store.h"
#include "caa/unbound_resolver.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "gtest/gtest.h"
#include "monitor/alert_hub.h"
#include "monitor/caa_observer.h"
#include "monitor/issuance_evaluator.h"
#include "monitor/issuer_source.h"
#include "monitor/log_worker.h"
#include "monitor/reevaluator.h"
#include "monitor/watch_source.h"
#include "monitor/watchlist.h"
#include "store/finding_store.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"

namespace caawatch::monitor {
namespace {

// The identifiers an operator imports for the test's unknown CA (O=Unknown Test Authority).
constexpr char kUnknownCaImport[] = R"([{"ca_owner": "Unknown Test Authority",
  "caa_identifiers": ["unknown-ca.test"],
  "issuer_organization_names": ["Unknown Test Authority"]}])";

class ReevaluationIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("caawatch_reeval_" + std::to_string(getpid()) + "_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    data_dir_ = (dir_ / "data").string();
  }

  // Starts everything with `records` as the zone's (relative to "test").
  void Start(const std::string& records, fakes::CaBrand brand) {
    fakes::KnotZone zone;
    zone.origin = "test";
    zone.records = records;
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
    auto store = store::FindingStore::Open(data_dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    auto issuers = caa::LoadIssuerMap(data_dir_);
    ASSERT_TRUE(issuers.ok()) << issuers.status();
    issuers_ = std::make_unique<IssuerSource>(*std::move(issuers),
                                              [this] { return caa::LoadIssuerMap(data_dir_); });
    CaaObserverOptions observer_options;
    observer_options.on_new_observation = [this](const NewObservation& n) {
      reevaluator_->Note(n);
    };
    observer_ =
        std::make_unique<CaaObserver>(resolver_.get(), store_.get(), &clock_, observer_options);
    evaluator_ = std::make_unique<IssuanceEvaluator>(issuers_.get(), observer_.get());
    auto watch = ParseWatchItem(".shop.test");
    ASSERT_TRUE(watch.ok()) << watch.status();
    watches_ = std::make_unique<WatchSource>(std::vector<WatchItem>{*watch}, store_.get());
    ReevaluatorDeps deps;
    deps.store = store_.get();
    deps.evaluator = evaluator_.get();
    deps.watches = watches_.get();
    deps.alerts = &alerts_;
    deps.clock = &clock_;
    deps.logger = &logger_;
    reevaluator_ = std::make_unique<Reevaluator>(deps);
    alerts_.Subscribe([this](uint64_t seq) { published_.push_back(seq); });

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

  void TearDown() override {
    reevaluator_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Poll() { ASSERT_TRUE(observer_->ObservePath("shop.test").ok()); }

  void Plant(const std::string& name) {
    ASSERT_TRUE(
        fakes::PlantCertificate(log_.get(), &factory_, chain_, fakes::LeafFor(name, clock_.Now()))
            .ok());
  }

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
    auto page = store_->ListFindings(q);
    EXPECT_TRUE(page.ok()) << page.status();
    if (!page.ok()) return {};
    for (const store::FindingRecord& f : *page) *cursor = std::max(*cursor, f.seq());
    return *page;
  }

  store::FindingRecord FindingFor(const std::string& name) {
    auto found = store_->FindingsForName(name, /*subtree=*/false, store::FindingQuery{});
    EXPECT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->size(), 1u) << name;
    return found->empty() ? store::FindingRecord() : found->front();
  }

  std::filesystem::path dir_;
  std::string data_dir_;
  FakeClock clock_{absl::FromUnixSeconds(1790000000)};  // 2026-09-21.
  Logger logger_;
  std::unique_ptr<fakes::KnotServer> knot_;
  std::unique_ptr<caa::CaaResolver> resolver_;
  std::unique_ptr<store::FindingStore> store_;
  std::unique_ptr<IssuerSource> issuers_;
  std::unique_ptr<CaaObserver> observer_;
  std::unique_ptr<IssuanceEvaluator> evaluator_;
  std::unique_ptr<WatchSource> watches_;
  std::unique_ptr<Reevaluator> reevaluator_;
  AlertHub alerts_;
  std::vector<uint64_t> published_;
  fakes::CertificateFactory factory_{7};
  fakes::CaChain chain_;
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
};

TEST_F(ReevaluationIntegrationTest, AnImportedCaIdentifierThatMakesAFindingForbiddenReAlertsOnce) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"letsencrypt.org\"\n", fakes::CaBrand::kUnknown));
  Poll();
  clock_.Advance(absl::Hours(1));
  Plant("www.shop.test");
  clock_.Advance(absl::Minutes(5));
  Ingest();
  uint64_t live = 0;  // A subscriber following along.
  std::vector<store::FindingRecord> first = Drain(&live);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].verdict(), "unknown_issuer");
  const uint64_t original_seq = first[0].seq();

  // `caawatch issuers import` of the CA's identifier; the running monitor reloads the map.
  auto imported = caa::IssuerMap::FromJson(kUnknownCaImport);
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_TRUE(caa::SaveUserIssuerMap(data_dir_, *imported).ok());
  clock_.Advance(absl::Minutes(1));
  ASSERT_EQ(*issuers_->Reload(), true);
  auto stats = reevaluator_->ReevaluateUnknownIssuers();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->realerted, 1u);

  // shop.test lets only Let's Encrypt issue: the re-alert is critical, with a new seq.
  std::vector<store::FindingRecord> again = Drain(&live);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].verdict(), "forbidden") << again[0].DebugString();
  EXPECT_EQ(again[0].severity(), "critical");
  EXPECT_GT(again[0].seq(), original_seq);
  EXPECT_EQ(again[0].first_seq(), original_seq);
  EXPECT_EQ(again[0].issuer().ca_owner(), "Unknown Test Authority");
  ASSERT_EQ(again[0].history_size(), 1);
  EXPECT_EQ(again[0].history(0).verdict(), "unknown_issuer");
  EXPECT_EQ(again[0].history(0).seq(), original_seq);
  EXPECT_EQ(again[0].history(0).superseded_because(), "CA identifier map updated");
  ASSERT_FALSE(published_.empty());
  EXPECT_EQ(published_.back(), again[0].seq());  // Live streams are poked.

  // Nothing new: no second alert, however often the monitor looks.
  const size_t publishes = published_.size();
  EXPECT_EQ(*issuers_->Reload(), false);
  EXPECT_EQ(reevaluator_->ReevaluateUnknownIssuers()->examined, 0u);
  EXPECT_EQ(reevaluator_->RunPending()->realerted, 0u);
  EXPECT_TRUE(Drain(&live).empty());
  EXPECT_EQ(published_.size(), publishes);
  // A subscriber starting from the beginning sees the finding once, as it is now.
  uint64_t fresh = 0;
  std::vector<store::FindingRecord> backlog = Drain(&fresh);
  ASSERT_EQ(backlog.size(), 1u);
  EXPECT_EQ(backlog[0].verdict(), "forbidden");
}

TEST_F(ReevaluationIntegrationTest, ALaterObservationThatImprovesTheVerdictAlertsNobody) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n", fakes::CaBrand::kLetsEncrypt));
  Poll();
  clock_.Advance(absl::Seconds(10));
  Plant("www.shop.test");
  clock_.Advance(absl::Seconds(10));
  // shop.test was looked up 20 s ago, so it is not asked again: judged by the old state only.
  Ingest();
  uint64_t live = 0;
  std::vector<store::FindingRecord> first = Drain(&live);
  ASSERT_EQ(first.size(), 1u);
  EXPECT_EQ(first[0].verdict(), "forbidden") << first[0].DebugString();

  // The owner had added Let's Encrypt at an unknown time; the next poll sees it.
  ChangeShopCaa("letsencrypt.org");
  clock_.Advance(absl::Hours(1));
  Poll();
  auto stats = reevaluator_->RunPending();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->changed, 1u);
  EXPECT_EQ(stats->realerted, 0u);

  EXPECT_TRUE(Drain(&live).empty());
  const store::FindingRecord f = FindingFor("www.shop.test");
  EXPECT_EQ(f.verdict(), "permitted") << f.DebugString();
  EXPECT_EQ(f.seq(), first[0].seq());
  ASSERT_EQ(f.history_size(), 1);
  EXPECT_EQ(f.history(0).verdict(), "forbidden");
  EXPECT_EQ(f.history(0).superseded_because().rfind("new CAA observation of ", 0), 0u)
      << f.history(0).superseded_because();
  EXPECT_NE(f.history(0).superseded_because().find("shop.test"), std::string::npos);
  EXPECT_NE(f.caa(0).reason().find("changed inside the window"), std::string::npos)
      << f.caa(0).reason();
}

TEST_F(ReevaluationIntegrationTest, ALaterObservationThatKeepsTheVerdictIsStoredWithoutAnAlert) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n", fakes::CaBrand::kLetsEncrypt));
  Poll();
  clock_.Advance(absl::Seconds(10));
  Plant("www.shop.test");
  clock_.Advance(absl::Seconds(10));
  Ingest();
  uint64_t live = 0;
  ASSERT_EQ(Drain(&live).size(), 1u);
  ASSERT_EQ(live, 1u);
  const size_t publishes = published_.size();

  ChangeShopCaa("sectigo.com");  // Still not Let's Encrypt.
  clock_.Advance(absl::Hours(1));
  Poll();
  auto stats = reevaluator_->RunPending();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->examined, 1u);   // Judged again...
  EXPECT_EQ(stats->realerted, 0u);  // ...but not worse.

  EXPECT_TRUE(Drain(&live).empty());
  EXPECT_EQ(published_.size(), publishes);
  const store::FindingRecord f = FindingFor("www.shop.test");
  EXPECT_EQ(f.verdict(), "forbidden");
  EXPECT_EQ(f.seq(), 1u);
  // Polls that see nothing new start no re-evaluation.
  clock_.Advance(absl::Hours(1));
  Poll();
  EXPECT_EQ(reevaluator_->RunPending()->examined, 0u);
}

}  // namespace
}  // namespace caawatch::monitor
