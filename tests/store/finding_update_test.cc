// Re-evaluation in the store over real RocksDB: a finding's evaluation is replaced with the old
// one kept in its history, a re-alert moves the finding to a new seq that subscribers reading
// by seq see exactly once, and the indexes that bound re-evaluation find the right findings.

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/store.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::store {
namespace {

std::string Hash(char c) { return std::string(32, c); }

FindingRecord Cert(char tbs, const std::string& name, int64_t timestamp_ms,
                   const std::string& verdict = "permitted") {
  FindingRecord f;
  f.set_kind("certificate");
  f.set_verdict(verdict);
  f.set_severity(verdict == "permitted" ? "info" : "warning");
  f.set_tbs_sha256(Hash(tbs));
  f.add_names(name);
  f.add_watched_names(name);
  f.mutable_issuer()->set_dn("CN=Somebody");
  EntryRef* e = f.add_entries();
  e->set_log_id("log-a");
  e->set_index(static_cast<uint64_t>(tbs));
  e->set_timestamp_ms(timestamp_ms);
  f.set_recorded_ms(timestamp_ms + 1000);
  return f;
}

FindingUpdate Update(char tbs, const std::string& verdict, const std::string& severity,
                     FindingUpdate::Alert alert, int based_on = 0) {
  FindingUpdate u;
  u.finding.set_tbs_sha256(Hash(tbs));
  u.finding.set_verdict(verdict);
  u.finding.set_severity(severity);
  u.finding.set_reason("re-evaluated");
  u.finding.set_evaluated_ms(99000);
  u.based_on_revision = based_on;
  u.alert = alert;
  u.because = "issuer map";
  return u;
}

class FindingUpdateTest : public StoreFixture {
 protected:
  std::vector<FindingRecord> Alerts(uint64_t after_seq) {
    FindingQuery q;
    q.after_seq = after_seq;
    q.severities = {"critical", "warning"};
    auto page = store_->findings().List(q);
    EXPECT_TRUE(page.ok()) << page.status();
    return page.ok() ? *page : std::vector<FindingRecord>{};
  }
};

TEST_F(FindingUpdateTest, AnUpdateInPlaceKeepsTheSeqAndTheOldEvaluationInTheHistory) {
  Commit({Cert('a', "a.example", 5000, "forbidden"), Cert('b', "b.example", 6000)});
  auto applied =
      store_->findings().Update({Update('a', "permitted", "info", FindingUpdate::Alert::kKeepSeq)});
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_EQ(applied->size(), 1u);
  auto stored = store_->findings().FindByHash(Hash('a'));
  ASSERT_TRUE(stored.ok() && stored->has_value());
  const FindingRecord& f = **stored;
  EXPECT_EQ(f.seq(), 1u);
  EXPECT_EQ(f.verdict(), "permitted");
  EXPECT_EQ(f.evaluated_ms(), 99000);
  ASSERT_EQ(f.history_size(), 1);
  EXPECT_EQ(f.history(0).seq(), 1u);
  EXPECT_EQ(f.history(0).verdict(), "forbidden");
  EXPECT_EQ(f.history(0).evaluated_ms(), 6000);  // recorded_ms of the first evaluation.
  EXPECT_EQ(f.history(0).superseded_because(), "issuer map");
  EXPECT_EQ(f.entries_size(), 1);  // Entries and hashes are not the update's to change.
  EXPECT_EQ(*store_->findings().LastSeq(), 2u);
}

TEST_F(FindingUpdateTest, AReAlertMovesTheFindingToANewSeqThatReadersSeeExactlyOnce) {
  Commit({Cert('a', "a.example", 5000, "unknown_issuer"), Cert('b', "b.example", 6000)});
  ASSERT_EQ(Alerts(0).size(), 1u);  // The unknown_issuer warning, seq 1.
  auto applied = store_->findings().Update(
      {Update('a', "forbidden", "critical", FindingUpdate::Alert::kNewSeq)});
  ASSERT_TRUE(applied.ok()) << applied.status();
  ASSERT_EQ(applied->size(), 1u);
  EXPECT_EQ((*applied)[0].seq(), 3u);
  EXPECT_EQ((*applied)[0].first_seq(), 1u);
  EXPECT_EQ(*store_->findings().LastSeq(), 3u);

  // A subscriber that had read seq 1 gets the re-alert; one starting over gets it once.
  const std::vector<FindingRecord> after_first = Alerts(1);
  ASSERT_EQ(after_first.size(), 1u);
  EXPECT_EQ(after_first[0].seq(), 3u);
  EXPECT_EQ(after_first[0].verdict(), "forbidden");
  ASSERT_EQ(Alerts(0).size(), 1u);
  EXPECT_TRUE(Alerts(3).empty());
  // Every listing shows the finding once, at its new seq.
  FindingQuery all;
  auto listed = store_->findings().List(all);
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].seq(), 2u);
  EXPECT_EQ((*listed)[1].seq(), 3u);
  auto named = store_->findings().ForName("a.example", false, all);
  ASSERT_EQ(named->size(), 1u);
  EXPECT_EQ((*named)[0].seq(), 3u);
  EXPECT_EQ((*named)[0].history(0).verdict(), "unknown_issuer");

  // Seqs stay unique across restarts: the next new finding comes after the re-alert.
  Reopen();
  Commit({Cert('c', "c.example", 7000, "forbidden")});
  EXPECT_EQ(Alerts(3).size(), 1u);
  EXPECT_EQ(Alerts(3)[0].seq(), 4u);
}

TEST_F(FindingUpdateTest, AnUpdateComputedFromAStaleRevisionIsSkipped) {
  Commit({Cert('a', "a.example", 5000)});
  ASSERT_EQ(store_->findings()
                .Update({Update('a', "no_data", "info", FindingUpdate::Alert::kKeepSeq)})
                ->size(),
            1u);
  // Computed from revision 0, but revision 1 is stored now.
  auto stale = store_->findings().Update(
      {Update('a', "forbidden", "critical", FindingUpdate::Alert::kNewSeq, /*based_on=*/0)});
  ASSERT_TRUE(stale.ok());
  EXPECT_TRUE(stale->empty());
  EXPECT_EQ((*store_->findings().FindByHash(Hash('a')))->verdict(), "no_data");
  EXPECT_EQ(*store_->findings().LastSeq(), 1u);  // No seq was burnt.
  EXPECT_TRUE(store_->findings()
                  .Update({Update('z', "forbidden", "critical", FindingUpdate::Alert::kNewSeq)})
                  ->empty());  // Unknown finding.
}

TEST_F(FindingUpdateTest, FindingsAreFoundByTheEndOfTheirWindowsWithinARange) {
  Commit(
      {Cert('a', "a.example", 1000), Cert('b', "b.example", 5000), Cert('c', "c.example", 9000)});
  // A precertificate logged earlier than the certificate moves the window end of 'c'.
  FindingRecord earlier = Cert('c', "c.example", 4000);
  earlier.mutable_entries(0)->set_index(77);
  Commit({earlier});
  auto found =
      store_->findings().IssuedBetween(absl::FromUnixMillis(3000), absl::FromUnixMillis(6000), 100);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 2u);
  EXPECT_EQ((*found)[0].tbs_sha256(), Hash('c'));
  EXPECT_EQ((*found)[1].tbs_sha256(), Hash('b'));
  EXPECT_TRUE(store_->findings()
                  .IssuedBetween(absl::FromUnixMillis(8000), absl::FromUnixMillis(9500), 100)
                  ->empty());  // 'c' left that range.
  EXPECT_EQ(
      store_->findings().IssuedBetween(absl::InfinitePast(), absl::InfiniteFuture(), 2)->size(),
      2u);  // The limit holds.
}

TEST_F(FindingUpdateTest, APageOfFindingsByIssuanceIsFullUnlessTheRangeEnds) {
  Commit({Cert('c', "c.example", 9000), Cert('d', "d.example", 10000)});
  FindingRecord earlier = Cert('c', "c.example", 4000);
  earlier.mutable_entries(0)->set_index(77);
  Commit({earlier});  // Leaves an index entry of 'c' at 9000 behind.
  auto found = store_->findings().IssuedBetween(absl::FromUnixMillis(8000), absl::InfiniteFuture(),
                                                /*limit=*/1);
  ASSERT_TRUE(found.ok()) << found.status();
  ASSERT_EQ(found->size(), 1u);  // The entry left behind does not take the page's place.
  EXPECT_EQ((*found)[0].tbs_sha256(), Hash('d'));
}

TEST_F(FindingUpdateTest, FindingsUnderANameAreFoundByIssuanceInPages) {
  Commit({Cert('a', "a.shop.example", 5000), Cert('b', "b.shop.example", 1000),
          Cert('c', "shop.example", 5500), Cert('d', "other.example", 5000),
          Cert('e', "*.shop.example", 5800), Cert('f', "shopx.example", 5000)});
  const absl::Time from = absl::FromUnixMillis(3000);
  const absl::Time to = absl::FromUnixMillis(6000);
  auto first = store_->findings().IssuedBetweenUnder("shop.example", from, to, 0, /*limit=*/2);
  ASSERT_TRUE(first.ok()) << first.status();
  ASSERT_EQ(first->size(), 2u);
  EXPECT_EQ((*first)[0].tbs_sha256(), Hash('a'));  // In seq order.
  EXPECT_EQ((*first)[1].tbs_sha256(), Hash('c'));
  auto rest = store_->findings().IssuedBetweenUnder("shop.example", from, to, (*first)[1].seq(), 2);
  ASSERT_TRUE(rest.ok()) << rest.status();
  ASSERT_EQ(rest->size(), 1u);  // b was issued before the range; d and f are not under it.
  EXPECT_EQ((*rest)[0].tbs_sha256(), Hash('e'));
  // A name below the findings' names reaches none of them; an exact name reaches its own.
  EXPECT_TRUE(store_->findings().IssuedBetweenUnder("x.a.shop.example", from, to, 0, 10)->empty());
  auto exact = store_->findings().IssuedBetweenUnder("other.example", from, to, 0, 10);
  ASSERT_EQ(exact->size(), 1u);
  EXPECT_EQ((*exact)[0].tbs_sha256(), Hash('d'));
}

TEST_F(FindingUpdateTest, UnknownIssuerFindingsAreListedUntilReEvaluatedToSomethingElse) {
  Commit({Cert('a', "a.example", 1000, "unknown_issuer"), Cert('b', "b.example", 2000),
          Cert('c', "c.example", 3000, "unknown_issuer")});
  auto unknown = store_->findings().WithUnknownIssuer(100);
  ASSERT_TRUE(unknown.ok()) << unknown.status();
  ASSERT_EQ(unknown->size(), 2u);
  ASSERT_EQ(store_->findings()
                .Update({Update('a', "permitted", "info", FindingUpdate::Alert::kKeepSeq)})
                ->size(),
            1u);
  unknown = store_->findings().WithUnknownIssuer(100);
  ASSERT_EQ(unknown->size(), 1u);
  EXPECT_EQ((*unknown)[0].tbs_sha256(), Hash('c'));
}

TEST_F(FindingUpdateTest, RecordingAnObservationSaysWhetherItStartedANewOne) {
  CaaObservationRecord o;
  o.set_query_name("example.com");
  o.set_outcome("noerror");
  o.add_records()->set_tag("issue");
  o.mutable_records(0)->set_value("pki.goog");
  o.set_first_seen_ms(1000);
  o.set_last_seen_ms(1000);
  auto first = store_->caa_history().Record(o, absl::Seconds(10));
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->kind, RecordedObservation::Kind::kStarted);
  EXPECT_FALSE(first->previous_last_seen_ms.has_value());
  o.set_first_seen_ms(2000);
  o.set_last_seen_ms(2000);
  EXPECT_EQ(store_->caa_history().Record(o, absl::Seconds(10))->kind,
            RecordedObservation::Kind::kExtended);
  o.mutable_records(0)->set_value("letsencrypt.org");
  o.set_first_seen_ms(3000);
  o.set_last_seen_ms(3000);
  auto changed = store_->caa_history().Record(o, absl::Seconds(10));
  EXPECT_EQ(changed->kind, RecordedObservation::Kind::kStarted);
  EXPECT_EQ(changed->previous_last_seen_ms, 2000);
}

TEST_F(FindingUpdateTest, AReaderOpensAStoreWrittenBeforeTheReevalIndexExisted) {
  Commit({Cert('a', "a.example", 1000)});
  store_.reset();
  {
    // Drop the column family, as a store written by an older caawatch lacks it.
    rocksdb::DB* raw = nullptr;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), dir_.string(), &names).ok());
    for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(
        rocksdb::DB::Open(rocksdb::DBOptions(), dir_.string(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      if (h->GetName() == "reeval") {
        ASSERT_TRUE(db->DropColumnFamily(h).ok());
      }
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    }
  }
  auto reader = OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->findings().List(FindingQuery{})->size(), 1u);
  EXPECT_TRUE((*reader)->findings().WithUnknownIssuer(10)->empty());
}

}  // namespace
}  // namespace caawatch::store
