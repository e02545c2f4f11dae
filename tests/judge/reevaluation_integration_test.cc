// Re-evaluation on late data through the monitor pipeline: Knot DNS serves the zone (changed
// with knsupdate mid-test), libunbound queries it, a LogWorker tails a test log over HTTP into
// RocksDB, and a subscriber reads alerts by seq as the gRPC Subscribe stream does. A verdict
// that gets worse (the CA map learns an unknown issuer) is alerted again, exactly once; an
// improvement or an equal verdict (a later observation across an unknown change time) is
// stored with the old verdict in the history and alerts nobody.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "caa/issuer_map.h"
#include "caa/issuer_store.h"
#include "gtest/gtest.h"
#include "tests/monitor/pipeline_fixture.h"

namespace caawatch::judge {
namespace {

// The identifiers an operator imports for the test's unknown CA (O=Unknown Test Authority).
constexpr char kUnknownCaImport[] = R"([{"ca_owner": "Unknown Test Authority",
  "caa_identifiers": ["unknown-ca.test"],
  "issuer_organization_names": ["Unknown Test Authority"]}])";

class ReevaluationIntegrationTest : public monitor::PipelineFixture {
 protected:
  // A forbidden finding of www.shop.test (shop.test lets only pki.goog issue) after `others`
  // findings of other names issued just before it; then shop.test allows Let's Encrypt too,
  // seen by nobody yet, and an hour passes.
  void ForbiddenAmongOthersThenAllowed(int others);
  // A finding of www.shop.test from a CA the map does not know (shop.test lets only Let's
  // Encrypt issue), ingested 5 minutes after it was logged.
  void PlantUnderAnUnknownCa();
};

// Certificate findings of names outside shop.test, issued in the `count` milliseconds before
// `before`: what a monitor of many names stores meanwhile. With `verdict` unknown_issuer, their
// issuer's key (all zero) sorts before any other.
void CommitOtherFindings(store::Store* store, int count, absl::Time before,
                         const std::string& verdict = "permitted") {
  for (int i = 0; i < count;) {
    store::CommitRequest request;
    for (const int end = std::min(count, i + 1000); i < end; ++i) {
      store::FindingRecord f;
      f.set_kind("certificate");
      f.set_verdict(verdict);
      f.set_severity("info");
      f.set_tbs_sha256(absl::StrFormat("%032d", i));
      f.add_names(absl::StrCat("host", i, ".other.test"));
      f.mutable_issuer()->set_dn("CN=R11,O=Let's Encrypt,C=US");
      f.mutable_issuer()->set_spki_sha256(std::string(32, '\0'));
      store::EntryRef* entry = f.add_entries();
      entry->set_log_id("another log");
      entry->set_index(static_cast<uint64_t>(i));
      entry->set_timestamp_ms(absl::ToUnixMillis(before) - count + i);
      f.set_recorded_ms(absl::ToUnixMillis(before));
      request.findings.push_back(std::move(f));
    }
    ASSERT_TRUE(store->findings().Commit(std::move(request)).ok());
  }
}

void ReevaluationIntegrationTest::PlantUnderAnUnknownCa() {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"letsencrypt.org\"\n", fakes::CaBrand::kUnknown));
  Poll();
  clock_.Advance(absl::Hours(1));
  Plant("www.shop.test");
  clock_.Advance(absl::Minutes(5));
  Ingest();
}

void ReevaluationIntegrationTest::ForbiddenAmongOthersThenAllowed(int others) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n", fakes::CaBrand::kLetsEncrypt));
  Poll();
  clock_.Advance(absl::Seconds(10));
  const absl::Time issued = clock_.Now();
  Plant("www.shop.test");
  clock_.Advance(absl::Seconds(10));
  ASSERT_NO_FATAL_FAILURE(Ingest());
  ASSERT_EQ(FindingFor("www.shop.test").verdict(), "forbidden");
  ASSERT_NO_FATAL_FAILURE(CommitOtherFindings(store_, others, issued));
  ChangeShopCaa("letsencrypt.org");
  clock_.Advance(absl::Hours(1));
}

TEST_F(ReevaluationIntegrationTest, AnImportedCaIdentifierThatMakesAFindingForbiddenReAlertsOnce) {
  ASSERT_NO_FATAL_FAILURE(PlantUnderAnUnknownCa());
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

TEST_F(ReevaluationIntegrationTest, AnImportedCaReachesItsFindingsBehindAPageOfOtherUnknowns) {
  reevaluator_options_.findings_per_page = 100;
  ASSERT_NO_FATAL_FAILURE(PlantUnderAnUnknownCa());
  ASSERT_EQ(FindingFor("www.shop.test").verdict(), "unknown_issuer");
  // More findings of another unknown issuer, listed first, than a page holds.
  ASSERT_NO_FATAL_FAILURE(CommitOtherFindings(store_, 150, clock_.Now(), "unknown_issuer"));

  auto imported = caa::IssuerMap::FromJson(kUnknownCaImport);
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_TRUE(caa::SaveUserIssuerMap(data_dir_, *imported).ok());
  ASSERT_EQ(*issuers_->Reload(), true);
  auto stats = reevaluator_->ReevaluateUnknownIssuers();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->realerted, 1u);
  EXPECT_EQ(FindingFor("www.shop.test").verdict(), "forbidden");
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

TEST_F(ReevaluationIntegrationTest, ALaterObservationReachesItsFindingAmongMoreThanAPageIssued) {
  reevaluator_options_.findings_per_page = 100;
  // More findings of other names issued just before it than the re-evaluator reads at a time:
  // read by issuance alone, the oldest page holds none of shop.test's.
  ASSERT_NO_FATAL_FAILURE(ForbiddenAmongOthersThenAllowed(150));
  Poll();
  auto stats = reevaluator_->RunPending();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->examined, 1u);
  EXPECT_EQ(stats->changed, 1u);
  EXPECT_EQ(FindingFor("www.shop.test").verdict(), "permitted");
}

TEST_F(ReevaluationIntegrationTest, TooManyNotedNamesReadEverythingIssuedInTheirRangeInPages) {
  reevaluator_options_.findings_per_page = 100;
  reevaluator_options_.max_pending_names = 50;
  ASSERT_NO_FATAL_FAILURE(ForbiddenAmongOthersThenAllowed(150));
  // A poll after downtime: every name is new at once, more than the notes keep one by one.
  for (int i = 0; i < 50; ++i) {
    reevaluator_->Note({.query_name = absl::StrCat("host", i, ".other.test"),
                        .first_seen = clock_.Now(),
                        .ttl = 60});
  }
  Poll();
  auto stats = reevaluator_->RunPending();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->examined, 151u);  // Every finding issued in the range, once.
  EXPECT_EQ(FindingFor("www.shop.test").verdict(), "permitted");
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

TEST_F(ReevaluationIntegrationTest, ANoDataFindingIsReAlertedWhenItsNameFirstAnswersLate) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n", fakes::CaBrand::kLetsEncrypt));
  Poll();
  clock_.Advance(absl::Hours(1));
  Plant("www.shop.test");
  clock_.Advance(absl::Minutes(5));
  // The lookup on arrival fails for the certificate's own name: nothing to judge it by yet.
  proxy_->SetFault("www.shop.test", fakes::DnsFault::kServFail);
  Ingest();
  uint64_t live = 0;
  EXPECT_TRUE(Drain(&live).empty());  // no_data without a forbidding retrospective: info.
  const store::FindingRecord before = FindingFor("www.shop.test");
  EXPECT_EQ(before.verdict(), "no_data") << before.DebugString();
  EXPECT_EQ(before.severity(), "info");

  // The next lookup answers: www.shop.test has no CAA of its own, so shop.test's applies.
  proxy_->ClearFaults();
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(observer_->ObservePath(Name("www.shop.test")).ok());
  auto stats = reevaluator_->RunPending();
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->realerted, 1u);
  std::vector<store::FindingRecord> alerts = Drain(&live);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].verdict(), "forbidden") << alerts[0].DebugString();
  EXPECT_EQ(alerts[0].caa(0).basis(), "ancestor_based");
  EXPECT_EQ(alerts[0].history(0).verdict(), "no_data");
  // Seen again, unchanged: nothing more.
  clock_.Advance(absl::Hours(1));
  ASSERT_TRUE(observer_->ObservePath(Name("www.shop.test")).ok());
  EXPECT_EQ(reevaluator_->RunPending()->realerted, 0u);
  EXPECT_TRUE(Drain(&live).empty());
}

}  // namespace
}  // namespace caawatch::judge
