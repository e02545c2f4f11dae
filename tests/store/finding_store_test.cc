// The store's contract over real RocksDB in a fresh directory per test: atomic commits, gapless
// seqs, precertificate/certificate merging, name indexes, watchlist and CAA history.

#include <filesystem>
#include <fstream>
#include <thread>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/seq_reservation.h"
#include "store/store.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::store {
namespace {

std::string Hash(char c) { return std::string(32, c); }

FindingRecord Cert(char tbs, std::vector<std::string> names, const std::string& log, uint64_t index,
                   bool precert) {
  FindingRecord f;
  f.set_kind("certificate");
  f.set_verdict("permitted");
  f.set_severity("info");
  f.set_tbs_sha256(Hash(tbs));
  (precert ? f.mutable_precert_sha256() : f.mutable_cert_sha256())->assign(Hash(tbs + 1));
  for (auto& n : names) {
    f.add_names(n);
    f.add_watched_names(n);
  }
  EntryRef* e = f.add_entries();
  e->set_log_id(log);
  e->set_index(index);
  e->set_precert(precert);
  f.set_recorded_ms(1000 * index);
  return f;
}

using FindingStoreTest = StoreFixture;

// A certificate with no TBS hash (issue 15): keyed by its entry's leaf hash.
FindingRecord Malformed(char leaf, std::vector<std::string> names, uint64_t index) {
  FindingRecord f;
  f.set_kind("malformed_cert");
  f.set_verdict("malformed_cert");
  f.set_severity("warning");
  f.set_leaf_hash(Hash(leaf));
  for (auto& n : names) {
    f.add_names(n);
    f.add_watched_names(n);
  }
  EntryRef* e = f.add_entries();
  e->set_log_id("log-a");
  e->set_index(index);
  f.set_recorded_ms(1000 * index);
  return f;
}

TEST_F(FindingStoreTest, SeqHighWaterMarkIsRaisedBeforeSeqsAreHandedOutAndRewrittenIfDamaged) {
  Commit({Cert(1, {"a.example"}, "log-a", 1, false), Cert(3, {"b.example"}, "log-a", 2, false)});
  EXPECT_EQ(ReadSeqHighWater(dir_.string()).value_or(0), 3u);  // Seqs 1 and 2 handed out.
  Commit({}, 3);  // A position only: no seq, the mark stays.
  EXPECT_EQ(ReadSeqHighWater(dir_.string()).value_or(0), 3u);

  std::ofstream(dir_ / "seq_high_water", std::ios::trunc) << "garbage";
  EXPECT_EQ(ReadSeqHighWater(dir_.string()).status().code(), absl::StatusCode::kDataLoss);
  Reopen();
  Commit({Cert(5, {"c.example"}, "log-a", 4, false)});
  EXPECT_EQ(ReadSeqHighWater(dir_.string()).value_or(0), 4u);
}

TEST_F(FindingStoreTest, MalformedCertificatesWithoutTbsHashNeverMerge) {
  const CommitResult first =
      Commit({Malformed('p', {"a.example.com"}, 1), Malformed('q', {"b.example.com"}, 2),
              Cert('a', {"c.example.com"}, "log-a", 3, false)});
  ASSERT_EQ(first.created.size(), 3u);
  for (const char* name : {"a.example.com", "b.example.com"}) {
    auto own = store_->findings().ForName(name, false, FindingQuery{});
    ASSERT_TRUE(own.ok());
    ASSERT_EQ(own->size(), 1u) << name;
    EXPECT_EQ((*own)[0].kind(), "malformed_cert");
  }
  auto by_leaf = store_->findings().FindByHash(Hash('q'));
  ASSERT_TRUE(by_leaf.ok() && by_leaf->has_value());
  EXPECT_EQ((*by_leaf)->watched_names(0), "b.example.com");
  // The same entry again is the same finding; it is not judged again on CAA.
  EXPECT_TRUE(Commit({Malformed('p', {"a.example.com"}, 1)}).created.empty());
  auto issued = store_->findings().IssuedBetween(absl::InfinitePast(), absl::InfiniteFuture(), 10);
  ASSERT_TRUE(issued.ok());
  ASSERT_EQ(issued->size(), 1u);
  EXPECT_EQ((*issued)[0].kind(), "certificate");
}

TEST_F(FindingStoreTest, CommittedFindingsAndPositionSurviveReopenWithGaplessSeqs) {
  Commit({Cert('a', {"a.example.com"}, "log-a", 1, false),
          Cert('c', {"c.example.com"}, "log-a", 2, false)},
         3);
  Reopen();
  Commit({Cert('e', {"e.example.com"}, "log-a", 3, false)}, 4);
  auto all = store_->findings().List(FindingQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ((*all)[i].seq(), i + 1);
  auto state = store_->logs().LoadState("log-a");
  ASSERT_TRUE(state.ok() && state->has_value());
  EXPECT_EQ((*state)->position(), 4u);
  EXPECT_EQ(*store_->findings().LastSeq(), 3u);
}

TEST_F(FindingStoreTest, PrecertificateAndFinalCertificateAreOneFinding) {
  const CommitResult first = Commit({Cert('a', {"www.example.com"}, "log-a", 10, true)});
  ASSERT_EQ(first.created.size(), 1u);
  FindingRecord final_cert = Cert('a', {"www.example.com"}, "log-b", 99, false);
  final_cert.set_cert_sha256(Hash('z'));
  const CommitResult second = Commit({final_cert});
  EXPECT_TRUE(second.created.empty());
  ASSERT_EQ(second.updated.size(), 1u);
  EXPECT_EQ(second.updated[0].seq(), first.created[0].seq());
  EXPECT_EQ(second.updated[0].entries_size(), 2);
  for (const std::string& h : {Hash('z'), Hash('b'), Hash('a')}) {
    auto found = store_->findings().FindByHash(h);
    ASSERT_TRUE(found.ok() && found->has_value());
    EXPECT_EQ((*found)->seq(), 1u);
  }
  // The same entry again changes nothing.
  const CommitResult third = Commit({final_cert});
  EXPECT_TRUE(third.created.empty());
  EXPECT_TRUE(third.updated.empty());
  EXPECT_EQ(store_->findings().List(FindingQuery{})->size(), 1u);
}

// Stores written before entries kept their inclusion proof (issue 15) hold EntryRefs without one:
// they read as before, and a later entry of the same certificate merges in with its proof.
TEST_F(FindingStoreTest, EntriesStoredWithoutAnInclusionProofReadAndMergeWithProvenOnes) {
  ASSERT_EQ(Commit({Cert('a', {"www.example.com"}, "log-a", 10, true)}).created.size(), 1u);
  Reopen();
  FindingRecord proven = Cert('a', {"www.example.com"}, "log-b", 99, false);
  InclusionRecord* inclusion = proven.mutable_entries(0)->mutable_inclusion();
  inclusion->set_leaf_hash(Hash('l'));
  inclusion->set_tree_size(100);
  inclusion->set_root_hash(Hash('r'));
  inclusion->set_method("root");
  ASSERT_EQ(Commit({proven}).updated.size(), 1u);
  Reopen();
  auto all = store_->findings().List(FindingQuery{});
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 1u);
  ASSERT_EQ((*all)[0].entries_size(), 2);
  EXPECT_FALSE((*all)[0].entries(0).has_inclusion());
  ASSERT_TRUE((*all)[0].entries(1).has_inclusion());
  EXPECT_EQ((*all)[0].entries(1).inclusion().tree_size(), 100u);
  EXPECT_EQ((*all)[0].entries(1).inclusion().leaf_hash(), Hash('l'));
}

TEST_F(FindingStoreTest, NameIndexSeparatesExactNamesFromSubtrees) {
  Commit({Cert('a', {"example.com"}, "l", 1, false), Cert('c', {"a.example.com"}, "l", 2, false),
          Cert('e', {"badexample.com"}, "l", 3, false),
          Cert('g', {"x.y.example.com"}, "l", 4, false)});
  auto exact = store_->findings().ForName("example.com", false, FindingQuery{});
  ASSERT_TRUE(exact.ok());
  ASSERT_EQ(exact->size(), 1u);
  EXPECT_EQ((*exact)[0].names(0), "example.com");
  auto subtree = store_->findings().ForName("example.com", true, FindingQuery{});
  ASSERT_EQ(subtree->size(), 3u);
  EXPECT_EQ((*subtree)[0].seq(), 4u);  // Newest first.
  EXPECT_EQ((*subtree)[2].seq(), 1u);
}

TEST_F(FindingStoreTest, QueriesFilterBySeqVerdictTimeAndLog) {
  FindingRecord bad = Cert('a', {"a.example"}, "log-x", 5, false);
  bad.set_verdict("forbidden");
  bad.set_severity("critical");
  Commit({bad, Cert('c', {"c.example"}, "log-y", 6, false)});
  FindingQuery q;
  q.verdicts = {"forbidden"};
  EXPECT_EQ(store_->findings().List(q)->size(), 1u);
  q = FindingQuery{};
  q.log_id = "log-y";
  EXPECT_EQ(store_->findings().List(q)->at(0).names(0), "c.example");
  q = FindingQuery{};
  q.after_seq = 1;
  EXPECT_EQ(store_->findings().List(q)->size(), 1u);
  q = FindingQuery{};
  q.since = absl::FromUnixMillis(5500);
  EXPECT_EQ(store_->findings().List(q)->size(), 1u);
  q = FindingQuery{};
  q.newest_first = true;
  q.limit = 1;
  EXPECT_EQ(store_->findings().List(q)->at(0).seq(), 2u);
}

// 60 findings: every third forbidden, recorded a second apart (one committed late with an
// earlier clock reading, as concurrent log workers can).
std::vector<FindingRecord> Sixty() {
  std::vector<FindingRecord> out;
  for (int i = 0; i < 60; ++i) {
    FindingRecord f = Cert(static_cast<char>(i), {absl::StrCat("n", i, ".example")}, "log-a",
                           static_cast<uint64_t>(i + 1), false);
    if (i % 3 == 0) f.set_verdict("forbidden");
    if (i == 30) f.set_recorded_ms(1000);  // Would go back in time: clamped.
    out.push_back(f);
  }
  return out;
}

TEST_F(FindingStoreTest, VerdictAndTimeQueriesPageThroughTheIndexesInSeqOrder) {
  Commit(Sixty());
  FindingQuery q;
  q.verdicts = {"forbidden"};
  q.limit = 7;
  auto page = store_->findings().List(q);
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->size(), 7u);
  EXPECT_EQ(page->front().seq(), 1u);
  EXPECT_EQ(page->back().seq(), 19u);
  q.after_seq = page->back().seq();  // The next page.
  page = store_->findings().List(q);
  ASSERT_EQ(page->size(), 7u);
  EXPECT_EQ(page->front().seq(), 22u);
  q = FindingQuery{};
  q.verdicts = {"forbidden", "permitted"};
  q.newest_first = true;
  q.limit = 3;
  page = store_->findings().List(q);
  ASSERT_EQ(page->size(), 3u);
  EXPECT_EQ(page->front().seq(), 60u);
  EXPECT_EQ(page->back().seq(), 58u);

  // Recorded times: finding i at (i+1) s, except seq 31, clamped to its predecessor's 30 s.
  q = FindingQuery{};
  q.since = absl::FromUnixSeconds(10);
  q.until = absl::FromUnixSeconds(20);
  page = store_->findings().List(q);
  ASSERT_EQ(page->size(), 10u);
  EXPECT_EQ(page->front().seq(), 10u);
  EXPECT_EQ(page->back().seq(), 19u);
  q.since = absl::FromUnixSeconds(30);
  q.until = absl::FromUnixSeconds(31);
  page = store_->findings().List(q);
  ASSERT_EQ(page->size(), 2u);  // Seq 30 and the clamped seq 31.
  EXPECT_EQ((*page)[1].recorded_ms(), 30000);
  q.verdicts = {"forbidden"};
  q.since = absl::FromUnixSeconds(50);
  q.until = absl::InfiniteFuture();
  page = store_->findings().List(q);
  ASSERT_EQ(page->size(), 3u);  // Seqs 52, 55 and 58.
  EXPECT_EQ(page->front().seq(), 52u);
  // Clamping holds across a reopen.
  Reopen();
  FindingRecord late = Cert('z', {"late.example"}, "log-a", 1, false);
  Commit({late});
  q = FindingQuery{};
  q.after_seq = 60;
  EXPECT_EQ(store_->findings().List(q)->at(0).recorded_ms(), 60000);
}

TEST_F(FindingStoreTest, AVersion1StoreIsMigratedByAWriterAndRefusedByAReader) {
  Commit(Sixty());
  store_.reset();
  {
    // Turn the store back into version 1: no verdict or time index.
    rocksdb::DBOptions options;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir_.string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.string(), families, &handles, &db).ok());
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == "by_verdict" || names[i] == "by_time") {
        ASSERT_TRUE(db->DropColumnFamily(handles[i]).ok());
      }
    }
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "schema_version", "1").ok());
    for (rocksdb::ColumnFamilyHandle* h : handles)
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  OpenOptions read_only;
  read_only.read_only = true;
  auto reader = Store::Open(dir_.string(), read_only);
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  Reopen();  // A writer: migrates.
  FindingQuery q;
  q.verdicts = {"forbidden"};
  q.limit = 100;
  auto forbidden = store_->findings().List(q);
  ASSERT_TRUE(forbidden.ok()) << forbidden.status();
  EXPECT_EQ(forbidden->size(), 20u);
  q = FindingQuery{};
  q.since = absl::FromUnixSeconds(59);
  EXPECT_EQ(store_->findings().List(q)->size(), 2u);
  auto migrated = Store::Open(dir_.string(), read_only);  // Readable once migrated.
  EXPECT_TRUE(migrated.ok()) << migrated.status();
}

TEST_F(FindingStoreTest, WatchlistEntriesCanBeAddedReplacedListedAndRemoved) {
  WatchRecord w;
  w.set_name(".example.com");
  ASSERT_TRUE(store_->watches().Put(w).ok());
  w.add_issuers("letsencrypt.org");
  ASSERT_TRUE(store_->watches().Put(w).ok());
  auto list = store_->watches().List();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ(list->at(0).issuers(0), "letsencrypt.org");
  EXPECT_TRUE(*store_->watches().Remove(".example.com"));
  EXPECT_FALSE(*store_->watches().Remove(".example.com"));
  EXPECT_TRUE(store_->watches().List()->empty());
}

TEST_F(FindingStoreTest, AnUnchangedCaaAnswerExtendsItsObservationAndAChangeStartsANewOne) {
  CaaObservationRecord o;
  o.set_query_name("example.com");
  o.set_outcome("noerror");
  o.set_ttl(300);
  o.add_records()->set_tag("issue");
  o.mutable_records(0)->set_value("pki.goog");
  o.set_first_seen_ms(1000);
  o.set_last_seen_ms(1000);
  ASSERT_TRUE(store_->caa_history().Record(o, absl::Seconds(10)).ok());
  o.set_first_seen_ms(2000);
  o.set_last_seen_ms(2000);
  ASSERT_TRUE(store_->caa_history().Record(o, absl::Seconds(10)).ok());
  o.mutable_records(0)->set_value("letsencrypt.org");
  o.set_first_seen_ms(3000);
  o.set_last_seen_ms(3000);
  ASSERT_TRUE(store_->caa_history().Record(o, absl::Seconds(10)).ok());
  auto history = store_->caa_history().Observations("example.com", absl::InfinitePast(),
                                                    absl::InfiniteFuture());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].first_seen_ms(), 1000);
  EXPECT_EQ((*history)[0].last_seen_ms(), 2000);
  EXPECT_EQ((*history)[1].records(0).value(), "letsencrypt.org");
  EXPECT_TRUE(store_->caa_history()
                  .Observations("other.com", absl::InfinitePast(), absl::InfiniteFuture())
                  ->empty());
  EXPECT_EQ(store_->caa_history()
                .Observations("example.com", absl::FromUnixMillis(2500), absl::InfiniteFuture())
                ->size(),
            1u);
}

TEST_F(FindingStoreTest, AnUnchangedAnswerAfterAPollingGapStartsANewObservation) {
  CaaObservationRecord o;
  o.set_query_name("example.com");
  o.set_outcome("noerror");
  o.add_records()->set_tag("issue");
  o.mutable_records(0)->set_value("pki.goog");
  for (int64_t seen : {1000, 5000, 60000, 61000}) {  // 55 s unobserved between 5 s and 60 s.
    o.set_first_seen_ms(seen);
    o.set_last_seen_ms(seen);
    ASSERT_TRUE(store_->caa_history().Record(o, absl::Seconds(10)).ok());
  }
  auto history = store_->caa_history().Observations("example.com", absl::InfinitePast(),
                                                    absl::InfiniteFuture());
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].first_seen_ms(), 1000);
  EXPECT_EQ((*history)[0].last_seen_ms(), 5000);
  EXPECT_EQ((*history)[1].first_seen_ms(), 60000);
  EXPECT_EQ((*history)[1].last_seen_ms(), 61000);
}

// A poll's batch: each answer is judged against its own name's newest observation, as one
// CaaHistory::Record would be, and all of them land in one write.
TEST_F(FindingStoreTest, ABatchOfObservationsExtendsOrStartsEachNameAsSingleRecordsWould) {
  auto observation = [](const std::string& name, const std::string& value, int64_t seen) {
    CaaObservationRecord o;
    o.set_query_name(name);
    o.set_outcome("noerror");
    o.add_records()->set_tag("issue");
    o.mutable_records(0)->set_value(value);
    o.set_first_seen_ms(seen);
    o.set_last_seen_ms(seen);
    return o;
  };
  ASSERT_TRUE(store_->caa_history()
                  .Record(observation("same.example", "ca.test", 1000), absl::Seconds(10))
                  .ok());
  ASSERT_TRUE(store_->caa_history()
                  .Record(observation("changed.example", "ca.test", 1000), absl::Seconds(10))
                  .ok());
  const absl::StatusOr<std::vector<RecordedObservation>> recorded =
      store_->caa_history().RecordAll({observation("same.example", "ca.test", 2000),
                                       observation("changed.example", "pki.goog", 2000),
                                       observation("new.example", "ca.test", 2000)},
                                      absl::Seconds(10));
  ASSERT_TRUE(recorded.ok()) << recorded.status();
  ASSERT_EQ(recorded->size(), 3u);
  EXPECT_EQ((*recorded)[0].kind, RecordedObservation::Kind::kExtended);
  EXPECT_EQ((*recorded)[1].kind, RecordedObservation::Kind::kStarted);
  EXPECT_EQ((*recorded)[1].previous_last_seen_ms, 1000);
  EXPECT_EQ((*recorded)[2].kind, RecordedObservation::Kind::kStarted);
  EXPECT_FALSE((*recorded)[2].previous_last_seen_ms.has_value());
  const auto history = [this](const std::string& name) {
    return *store_->caa_history().Observations(name, absl::InfinitePast(), absl::InfiniteFuture());
  };
  ASSERT_EQ(history("same.example").size(), 1u);
  EXPECT_EQ(history("same.example")[0].last_seen_ms(), 2000);
  ASSERT_EQ(history("changed.example").size(), 2u);
  EXPECT_EQ(history("changed.example")[1].records(0).value(), "pki.goog");
  ASSERT_EQ(history("new.example").size(), 1u);
}

TEST_F(FindingStoreTest, ABatchNamingOneNameTwiceIsRefusedWhole) {
  CaaObservationRecord a;
  a.set_query_name("twice.example");
  a.set_outcome("nxdomain");
  a.set_first_seen_ms(1000);
  a.set_last_seen_ms(1000);
  CaaObservationRecord other = a;
  other.set_query_name("other.example");
  const absl::StatusOr<std::vector<RecordedObservation>> recorded =
      store_->caa_history().RecordAll({other, a, a}, absl::Seconds(10));
  EXPECT_EQ(recorded.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(store_->caa_history()
                  .Observations("other.example", absl::InfinitePast(), absl::InfiniteFuture())
                  ->empty());
}

TEST_F(FindingStoreTest, ConcurrentCommitsGetUniqueGaplessSeqs) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 25; ++i) {
        FindingRecord f = Cert('a', {"x.example"}, "l", 0, false);
        f.set_tbs_sha256(std::string(30, 'h') + static_cast<char>(t) + static_cast<char>(i));
        CommitRequest r;
        r.findings.push_back(f);
        ASSERT_TRUE(store_->findings().Commit(std::move(r)).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  FindingQuery q;
  q.limit = 1000;
  auto all = store_->findings().List(q);
  ASSERT_EQ(all->size(), 100u);
  for (size_t i = 0; i < all->size(); ++i) EXPECT_EQ((*all)[i].seq(), i + 1);
}

TEST(FindingStoreSpaceTest, WritesAreRefusedWithTheFreeSpaceWhenTheDiskIsNearlyFull) {
  const TempDir dir("caawatch_space");
  {
    auto created = Store::Open(dir.string());
    ASSERT_TRUE(created.ok()) << created.status();
  }
  OpenOptions options;
  options.min_free_bytes = ~uint64_t{0};  // More than any disk has free.
  auto refused = Store::Open(dir.string(), options);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("MiB free on " + dir.string()));
  // Readers need no space.
  options.read_only = true;
  EXPECT_TRUE(Store::Open(dir.string(), options).ok());
}

TEST_F(FindingStoreTest, ReadOnlyOpenSeesCommittedDataWhileTheWriterIsOpen) {
  Commit({Cert('a', {"a.example"}, "l", 1, false)});
  auto reader = OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_EQ((*reader)->findings().List(FindingQuery{})->size(), 1u);
  CommitRequest r;
  EXPECT_EQ((*reader)->findings().Commit(std::move(r)).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(FindingStoreTest, SecondWriterIsRefusedWithAClearError) {
  auto second = Store::Open(dir_.string());
  ASSERT_FALSE(second.ok());
  // kUnavailable means locked, and only that (a CLI writer then goes to the running monitor).
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(second.status().message().find("is already open in this process"),
            absl::string_view::npos)
      << second.status();
}

TEST_F(FindingStoreTest, MissingStoreIsNotCreatedByAReader) {
  OpenOptions ro;
  ro.read_only = true;
  EXPECT_FALSE(Store::Open((dir_ / "nothing-here").string(), ro).ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ / "nothing-here" / "CURRENT"));
}

TreeHeadRecord Head(uint64_t size, char root, const std::string& log = Hash('L')) {
  TreeHeadRecord h;
  h.set_log_id(log);
  h.set_tree_size(size);
  h.set_root_hash(Hash(root));
  h.set_signature("sig");
  h.set_audit("pending");
  return h;
}

TEST_F(FindingStoreTest, TreeHeadsAreKeptPerLogSizeAndRootInSizeOrderAcrossReopen) {
  ASSERT_TRUE(store_->logs().PutTreeHead(Head(20, 'x')).ok());
  ASSERT_TRUE(store_->logs().PutTreeHead(Head(3, 'y')).ok());
  ASSERT_TRUE(store_->logs().PutTreeHead(Head(20, 'z')).ok());  // A fork: both kept.
  ASSERT_TRUE(store_->logs().PutTreeHead(Head(7, 'y', Hash('M'))).ok());
  TreeHeadRecord again = Head(20, 'x');
  again.set_audit("consistent");
  ASSERT_TRUE(store_->logs().PutTreeHead(again).ok());  // Same head: replaced, not added.
  Reopen();
  auto heads = store_->logs().ListTreeHeads(Hash('L'));
  ASSERT_TRUE(heads.ok()) << heads.status();
  ASSERT_EQ(heads->size(), 3u);
  EXPECT_EQ((*heads)[0].tree_size(), 3u);
  EXPECT_EQ((*heads)[1].root_hash(), Hash('x'));
  EXPECT_EQ((*heads)[1].audit(), "consistent");
  EXPECT_EQ((*heads)[2].root_hash(), Hash('z'));
  auto one = store_->logs().GetTreeHead(Hash('M'), 7, Hash('y'));
  ASSERT_TRUE(one.ok() && one->has_value());
  EXPECT_EQ((*one)->signature(), "sig");
  EXPECT_FALSE(store_->logs().GetTreeHead(Hash('M'), 8, Hash('y'))->has_value());
  EXPECT_EQ(store_->logs().PutTreeHead(Head(1, 'a', "short")).code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(FindingStoreTest, AReaderOpensAStoreWrittenBeforeTreeHeadsExistedAndSeesNone) {
  store_.reset();
  std::filesystem::remove_all(dir_.path());
  {  // The column families of the first schema, as an older caawatch created them.
    rocksdb::DBOptions options;
    options.create_if_missing = true;
    options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const char* name : {"default", "findings", "by_seq", "by_name", "by_hash", "certs",
                             "log_state", "watch", "caa_obs"}) {
      families.emplace_back(name, rocksdb::ColumnFamilyOptions());
    }
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* db = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.string(), families, &handles, &db).ok());
    const std::unique_ptr<rocksdb::DB> owned(db);
    for (auto* h : handles) ASSERT_TRUE(owned->DestroyColumnFamilyHandle(h).ok());
  }
  auto reader = OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status();
  EXPECT_TRUE((*reader)->logs().ListTreeHeads(Hash('L'))->empty());
  EXPECT_FALSE((*reader)->logs().GetTreeHead(Hash('L'), 1, Hash('x'))->has_value());
  EXPECT_TRUE((*reader)->caa_polls().PolledSince(absl::InfinitePast())->empty());
  reader->reset();
  Reopen();  // A writer adds the families.
  EXPECT_TRUE(store_->logs().PutTreeHead(Head(1, 'x')).ok());
  EXPECT_TRUE(store_->caa_polls().RecordPolled(absl::FromUnixSeconds(1), {7}).ok());
}

TEST_F(FindingStoreTest, CaaPollRecordsAreListedFromATimeOnAndForgottenBeforeIt) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  ASSERT_TRUE(store_->caa_polls().RecordPolled(t0, {1, 2, 3}).ok());
  ASSERT_TRUE(
      store_->caa_polls().RecordPolled(t0, {4}).ok());  // Same time, another batch: both kept.
  ASSERT_TRUE(store_->caa_polls().RecordPolled(t0 + absl::Minutes(10), {2, 5}).ok());
  ASSERT_TRUE(
      store_->caa_polls().RecordPolled(t0 + absl::Minutes(20), {}).ok());  // Nothing to keep.
  Reopen();
  auto all = store_->caa_polls().PolledSince(absl::InfinitePast());
  ASSERT_TRUE(all.ok()) << all.status();
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].polled_at, t0);
  EXPECT_EQ((*all)[2].polled_at, t0 + absl::Minutes(10));
  EXPECT_EQ((*all)[2].name_hashes, (std::vector<uint64_t>{2, 5}));
  auto later = store_->caa_polls().PolledSince(t0 + absl::Minutes(1));
  ASSERT_TRUE(later.ok()) << later.status();
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].name_hashes, (std::vector<uint64_t>{2, 5}));
  ASSERT_TRUE(store_->caa_polls().ForgetPolledBefore(t0 + absl::Minutes(10)).ok());
  auto kept = store_->caa_polls().PolledSince(absl::InfinitePast());
  ASSERT_TRUE(kept.ok()) << kept.status();
  ASSERT_EQ(kept->size(), 1u);
  EXPECT_EQ((*kept)[0].polled_at, t0 + absl::Minutes(10));
}

}  // namespace
}  // namespace caawatch::store
