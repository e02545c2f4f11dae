// The tree-head retention rule (SCHEMA.md "Retention of tree heads") on a simulated week:
// exactly the rule's heads stay, among them every hourly one, every finding's, the latest
// verified one and the misbehaviour evidence; `store stats` counts the drop.
#include "store/retention.h"

#include <stdlib.h>

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "store/caa_retention.h"
#include "store/keys.h"
#include "store/scan.h"
#include "store/store.h"
#include "store/store_stats.h"
#include "tests/store/simulated_week.h"

namespace caawatch::store {
namespace {

class RetentionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = ::testing::TempDir() + "/retention_XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  uint64_t HeadKeys() {
    absl::StatusOr<StoreStats> stats = CollectStoreStats(store_->database());
    EXPECT_TRUE(stats.ok()) << stats.status();
    for (const FamilyStats& f : stats->families) {
      if (f.family == "tree_heads") return f.keys;
    }
    return 0;
  }

  std::string dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RetentionTest, AWeekOfHeadsKeepsExactlyTheRulesHeads) {
  const testing::SimulatedWeek week;
  const int64_t n = week.heads_per_log();  // 60,480.
  const int64_t per_hour = absl::Hours(1) / week.head_every;
  // Findings proven in heads that are neither the first of their hour nor recent.
  const std::vector<int64_t> finding_k = {per_hour * 30 + 17, per_hour * 50 + 1, 123};
  const int64_t misbehaviour_k = per_hour * 100 + 5;
  ASSERT_TRUE(testing::WriteSimulatedWeek(week, store_.get(), finding_k, misbehaviour_k).ok());
  ASSERT_EQ(HeadKeys(), static_cast<uint64_t>(n * week.logs));

  RetentionRule rule;  // Every head of the last 24 hours, the first of each hour before.
  TreeHeadPruner pruner(&store_->database(), rule);
  ASSERT_TRUE(pruner.RunPass(week.end(), 5000).ok());

  // The rule, counted independently: the heads signed within 24 hours of the end (k with
  // SignedAt(k) > end - 24h), the first of each older hour (k a multiple of per_hour: the
  // week starts on an hour), and for each log its finding's head (and log 0 its misbehaviour).
  const int64_t recent_from = (week.length - absl::Hours(24)) / week.head_every + 1;
  const int64_t older_hours = recent_from / per_hour + (recent_from % per_hour != 0 ? 1 : 0);
  const int64_t recent = n - recent_from;
  for (int log = 0; log < week.logs; ++log) {
    SCOPED_TRACE(log);
    absl::StatusOr<std::vector<TreeHeadRecord>> heads =
        store_->logs().ListTreeHeads(week.LogId(log), 1'000'000);
    ASSERT_TRUE(heads.ok()) << heads.status();
    const int64_t extra = 1 + (log == 0 ? 1 : 0);  // The finding's, the misbehaviour.
    EXPECT_EQ(static_cast<int64_t>(heads->size()), recent + older_hours + extra);
    std::set<uint64_t> sizes;
    for (const TreeHeadRecord& h : *heads) sizes.insert(h.tree_size());
    for (int64_t k = 0; k < recent_from; k += per_hour) {
      ASSERT_TRUE(sizes.count(week.Size(k))) << "the first head of hour " << k / per_hour;
    }
    EXPECT_TRUE(sizes.count(week.Size(finding_k[log]))) << "the finding's head";
    EXPECT_TRUE(sizes.count(week.Size(n - 1))) << "the latest verified head";
    if (log == 0) {
      EXPECT_TRUE(sizes.count(week.Size(misbehaviour_k))) << "the misbehaviour";
    }
    EXPECT_FALSE(sizes.count(week.Size(1))) << "an old head of no interest";
  }
  // The library call `caawatch evidence` finds each finding's head with.
  absl::StatusOr<std::vector<FindingRecord>> findings = store_->findings().List({});
  ASSERT_TRUE(findings.ok()) << findings.status();
  ASSERT_EQ(findings->size(), static_cast<size_t>(week.logs));
  for (const FindingRecord& f : *findings) {
    for (const EntryRef& e : f.entries()) {
      absl::StatusOr<std::optional<TreeHeadRecord>> head = store_->logs().GetTreeHead(
          e.log_id(), e.inclusion().tree_size(), e.inclusion().root_hash());
      ASSERT_TRUE(head.ok()) << head.status();
      EXPECT_TRUE(head->has_value()) << "finding " << f.seq();
    }
  }
  EXPECT_EQ(HeadKeys(), static_cast<uint64_t>(week.logs * (recent + older_hours + 1) + 1));
  // The pass reads each log's heads up to its first recent one, not the last 24 hours' heads.
  EXPECT_EQ(pruner.counts().examined, static_cast<uint64_t>((recent_from + 1) * week.logs));

  // A second pass finds nothing more to remove: the rule is stable.
  TreeHeadPruner again(&store_->database(), rule);
  ASSERT_TRUE(again.RunPass(week.end(), 5000).ok());
  EXPECT_EQ(again.counts().removed, 0u);
}

// Everything older than the full-history window, and neither the latest verified head nor a
// finding's head the first of its hour: only the rule's guarantees keep them.
TEST_F(RetentionTest, NeverRemovesTheLatestVerifiedHeadOrAFindingsHead) {
  testing::SimulatedWeek week;
  week.length = absl::Hours(3) + absl::Seconds(50);  // The newest head: 40 s into its hour.
  week.logs = 1;
  const int64_t n = week.heads_per_log();
  const std::vector<int64_t> finding_k = {7};
  ASSERT_TRUE(testing::WriteSimulatedWeek(week, store_.get(), finding_k, -1).ok());
  RetentionRule rule;
  rule.keep_all_heads_for = absl::Seconds(1);
  TreeHeadPruner pruner(&store_->database(), rule);
  // Long after: every head is old. Small steps, so the pass spans many writes.
  ASSERT_TRUE(pruner.RunPass(week.end() + absl::Hours(24 * 30), 7).ok());
  absl::StatusOr<std::vector<TreeHeadRecord>> heads = store_->logs().ListTreeHeads(week.LogId(0));
  ASSERT_TRUE(heads.ok()) << heads.status();
  std::vector<uint64_t> sizes;
  for (const TreeHeadRecord& h : *heads) sizes.push_back(h.tree_size());
  // Hours 0..3 (first heads), the finding's head (k = 7), the latest verified one.
  EXPECT_EQ(sizes, (std::vector<uint64_t>{week.Size(0), week.Size(7), week.Size(360),
                                          week.Size(720), week.Size(1080), week.Size(n - 1)}));
}

// A store of schema version 3 has findings but not their references (finding_refs.h), which
// the pruners now ask instead of reading the findings: a writer's open builds them first, so the
// findings' heads stay; the rule is otherwise the same.
TEST_F(RetentionTest, AVersion3StoresFindingsKeepTheirHeadsOnceAWriterOpensIt) {
  testing::SimulatedWeek week;
  week.length = absl::Hours(3) + absl::Seconds(50);
  week.logs = 2;
  const std::vector<int64_t> finding_k = {7, 11};
  ASSERT_TRUE(testing::WriteSimulatedWeek(week, store_.get(), finding_k, -1).ok());
  {  // What version 3 left: no references, and its version.
    Database& db = store_->database();
    std::vector<std::string> refs;
    for (const char* prefix : {"head_ref/", "caa_ref/"}) {
      ASSERT_TRUE(Scan(db, Family::kMeta, KeyRange::Prefix(prefix), {},
                       [&](absl::string_view key, absl::string_view) -> absl::StatusOr<ScanStep> {
                         refs.emplace_back(key);
                         return ScanStep::kNext;
                       })
                      .ok());
    }
    ASSERT_EQ(refs.size(), 2u) << "one inclusion head per finding, written with it";
    rocksdb::WriteBatch batch;
    for (const std::string& key : refs) batch.Delete(db.handle(Family::kMeta), key);
    batch.Put(db.handle(Family::kMeta), "schema_version", "3");
    ASSERT_TRUE(db.Write(&batch, /*sync=*/true, "test").ok());
  }
  store_.reset();
  absl::StatusOr<std::unique_ptr<Store>> reader = Store::Open(dir_, OpenOptions{.read_only = true});
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition) << reader.status();
  reader = absl::StatusOr<std::unique_ptr<Store>>();
  absl::StatusOr<std::unique_ptr<Store>> writer = Store::Open(dir_);  // Migrates.
  ASSERT_TRUE(writer.ok()) << writer.status();
  store_ = *std::move(writer);
  RetentionRule rule;
  rule.keep_all_heads_for = absl::Seconds(1);
  TreeHeadPruner pruner(&store_->database(), rule);
  ASSERT_TRUE(pruner.RunPass(week.end() + absl::Hours(24 * 30), 100).ok());
  for (int log = 0; log < week.logs; ++log) {
    absl::StatusOr<std::vector<TreeHeadRecord>> heads =
        store_->logs().ListTreeHeads(week.LogId(log));
    ASSERT_TRUE(heads.ok()) << heads.status();
    std::set<uint64_t> sizes;
    for (const TreeHeadRecord& h : *heads) sizes.insert(h.tree_size());
    EXPECT_TRUE(sizes.count(week.Size(finding_k[log]))) << "log " << log << ": the finding's head";
    EXPECT_FALSE(sizes.count(week.Size(finding_k[1 - log]))) << "log " << log;
  }
}

}  // namespace
}  // namespace caawatch::store

namespace caawatch::store {
namespace {

// Raw CAA answers: old ones go, unless a finding's evaluation window (or an observation it
// cites) covers them; recent ones and every observation record stay.
TEST_F(RetentionTest, OldRawCaaAnswersGoExceptThoseAFindingUsed) {
  const absl::Time t0 = absl::FromUnixSeconds(1'780'000'000);
  const absl::Time now = t0 + absl::Hours(24 * 100);
  Database& db = store_->database();
  const auto put = [&](const std::string& name, absl::Time first, absl::Time last,
                       const std::string& raw) {
    CaaObservationRecord r;
    r.set_query_name(name);
    r.set_first_seen_ms(absl::ToUnixMillis(first));
    r.set_last_seen_ms(absl::ToUnixMillis(last));
    r.set_outcome("noerror");
    r.set_raw_answer(raw);
    rocksdb::WriteBatch batch;
    batch.Put(db.handle(Family::kCaaObs), ObservationKey(name, r.first_seen_ms()),
              r.SerializeAsString());
    ASSERT_TRUE(db.Write(&batch, false, "test").ok());
  };
  put("example.com", t0, t0 + absl::Hours(1), "in the finding's window");
  put("example.com", t0 + absl::Hours(48), t0 + absl::Hours(72), "old");
  put("example.com", now - absl::Hours(1), now, "recent");
  put("shop.example.com", t0, t0 + absl::Hours(1), "old, another name");
  put("www.example.com", t0 + absl::Hours(5), t0 + absl::Hours(6), "cited by the finding");

  CommitRequest request;
  FindingRecord finding;
  finding.set_kind("certificate");
  finding.set_verdict("forbidden");
  finding.set_severity("critical");
  finding.add_names("www.example.com");
  finding.set_tbs_sha256(std::string(32, 't'));
  CaaNameRecord* caa = finding.add_caa();
  caa->set_name("www.example.com");
  caa->set_relevant_name("example.com");
  caa->set_window_start_ms(absl::ToUnixMillis(t0 + absl::Minutes(30)));
  caa->set_window_end_ms(absl::ToUnixMillis(t0 + absl::Minutes(40)));
  CaaObservationRecord* cited = caa->add_observations();
  cited->set_query_name("www.example.com");
  cited->set_first_seen_ms(absl::ToUnixMillis(t0 + absl::Hours(5)));
  cited->set_last_seen_ms(absl::ToUnixMillis(t0 + absl::Hours(6)));
  request.findings.push_back(finding);
  ASSERT_TRUE(store_->findings().Commit(std::move(request)).ok());

  RawAnswerPruner pruner(&db, absl::Hours(24 * 90));
  ASSERT_TRUE(pruner.RunPass(now, 2).ok());  // Steps of 2: the pass spans three writes.
  EXPECT_EQ(pruner.dropped(), 2u);
  std::map<std::string, std::string> raw;  // By query name + first seen.
  ScanOptions all;
  all.total_order = true;
  ASSERT_TRUE(Scan(db, Family::kCaaObs, KeyRange::All(), all,
                   [&](absl::string_view, absl::string_view value) -> absl::StatusOr<ScanStep> {
                     CaaObservationRecord r;
                     r.ParseFromArray(value.data(), static_cast<int>(value.size()));
                     raw[absl::StrCat(r.query_name(), "@", r.first_seen_ms())] = r.raw_answer();
                     return ScanStep::kNext;
                   })
                  .ok());
  ASSERT_EQ(raw.size(), 5u);  // Every observation stays.
  EXPECT_EQ(raw[absl::StrCat("example.com@", absl::ToUnixMillis(t0))], "in the finding's window");
  EXPECT_EQ(raw[absl::StrCat("example.com@", absl::ToUnixMillis(t0 + absl::Hours(48)))], "");
  EXPECT_EQ(raw[absl::StrCat("example.com@", absl::ToUnixMillis(now - absl::Hours(1)))], "recent");
  EXPECT_EQ(raw[absl::StrCat("shop.example.com@", absl::ToUnixMillis(t0))], "");
  EXPECT_EQ(raw[absl::StrCat("www.example.com@", absl::ToUnixMillis(t0 + absl::Hours(5)))],
            "cited by the finding");
}

}  // namespace
}  // namespace caawatch::store
