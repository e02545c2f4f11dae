// CAA at issuance time through the whole monitor pipeline, with the records really changing:
// Knot DNS serves the zone and is updated with knsupdate mid-test, libunbound queries it, the
// observations land in RocksDB, and a LogWorker tails a test log over HTTP. Time is a
// FakeClock shared by the log (entry timestamps) and the observer, so hours pass instantly.
#include "gtest/gtest.h"
#include "tests/monitor/pipeline_fixture.h"

namespace caawatch::judge {
namespace {

// shop.test starts out letting Let's Encrypt issue; the planted certificates are Let's Encrypt's.
class CaaHistoryIntegrationTest : public monitor::PipelineFixture {
 protected:
  void SetUp() override {
    monitor::PipelineFixture::SetUp();
    Start("shop 60 CAA 0 issue \"letsencrypt.org\"\n", fakes::CaBrand::kLetsEncrypt);
  }
};

TEST_F(CaaHistoryIntegrationTest, CertificatesAreJudgedByTheRecordsInEffectWhenIssued) {
  Poll();  // shop.test lets Let's Encrypt issue.
  clock_.Advance(absl::Hours(1));
  Plant("before.shop.test");  // Issued under the old records, logged but not yet published.
  clock_.Advance(absl::Hours(1));
  Poll();

  // The owner switches to Google Trust Services only.
  ChangeShopCaa("pki.goog");
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
  auto history =
      store_->caa_history().Observations("shop.test", absl::InfinitePast(), absl::InfiniteFuture());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].records(0).value(), "letsencrypt.org");
  EXPECT_EQ((*history)[1].records(0).value(), "pki.goog");
  EXPECT_LT((*history)[0].last_seen_ms(), (*history)[1].first_seen_ms());
}

TEST_F(CaaHistoryIntegrationTest, ACertificateIssuedBetweenPollsAcrossAChangeIsGivenTheBenefit) {
  Poll();
  clock_.Advance(absl::Hours(1));
  ChangeShopCaa("pki.goog");
  Plant("race.shop.test");  // The change time is unknown: the CA may have checked before it.
  clock_.Advance(absl::Minutes(30));
  Ingest();
  const store::FindingRecord race = FindingFor("race.shop.test");
  EXPECT_EQ(race.verdict(), "permitted") << race.DebugString();
  EXPECT_NE(race.caa(0).reason().find("changed"), std::string::npos) << race.caa(0).reason();
}

}  // namespace
}  // namespace caawatch::judge
