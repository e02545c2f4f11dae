// The store's one scan helper over real RocksDB: it stays within its range (a prefix never
// takes in a neighbour that merely sorts next to it), honours a limit and resumes after the
// last key, walks backwards, stops when told, and reports a damaged file as kDataLoss instead
// of returning a short listing.
#include "store/scan.h"

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/database.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::store {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

class ScanTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(); }
  void Open() {
    db_.reset();
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(dir_.string(), OpenOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }
  void Put(Family family, const std::vector<std::string>& keys) {
    rocksdb::WriteBatch batch;
    for (const std::string& k : keys) batch.Put(db_->handle(family), k, "v:" + k);
    ASSERT_TRUE(db_->Write(&batch, /*sync=*/true, "test").ok());
  }
  // The keys Scan visits.
  std::vector<std::string> Keys(Family family, const KeyRange& range, ScanOptions options = {}) {
    std::vector<std::string> keys;
    const absl::Status s =
        Scan(*db_, family, range, options,
             [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<ScanStep> {
               EXPECT_EQ(value, "v:" + std::string(key));
               keys.emplace_back(key);
               return ScanStep::kNext;
             });
    EXPECT_TRUE(s.ok()) << s;
    return keys;
  }

  TempDir dir_{"scan_test"};
  std::unique_ptr<Database> db_;
};

// The reeval family holds two kinds under 't' and 'u': a scan of one never sees the other,
// whichever way it runs, and a prefix ending in 0xff still ends before the next byte value.
TEST_F(ScanTest, APrefixScanStaysWithinItsPrefixAndNeverReachesTheNeighbouringKind) {
  Put(Family::kReeval,
      {"s\xff", "t", "ta", "tb", std::string("t\xff"), std::string("t\xff\x01"), "u", "u1"});
  EXPECT_THAT(Keys(Family::kReeval, KeyRange::Prefix("t")),
              ElementsAre("t", "ta", "tb", "t\xff", std::string("t\xff\x01")));
  ScanOptions reverse;
  reverse.reverse = true;
  EXPECT_THAT(Keys(Family::kReeval, KeyRange::Prefix("t"), reverse),
              ElementsAre(std::string("t\xff\x01"), "t\xff", "tb", "ta", "t"));
  EXPECT_THAT(Keys(Family::kReeval, KeyRange::Prefix("t\xff")),
              ElementsAre("t\xff", std::string("t\xff\x01")));
  EXPECT_THAT(Keys(Family::kReeval, KeyRange::Prefix("v")), IsEmpty());
  EXPECT_THAT(Keys(Family::kReeval, KeyRange{"ta", "u"}),
              ElementsAre("ta", "tb", "t\xff", std::string("t\xff\x01")));
}

// caa_obs seeks by query-name prefix (its prefix extractor): the observations of "a.example"
// are not those of "a.example.com", in the memtable or flushed.
TEST_F(ScanTest, ANamesObservationsDoNotIncludeThoseOfANameItIsAPrefixOf) {
  const std::string a = std::string("a.example\0", 10);
  const std::string longer = std::string("a.example.com\0", 14);
  Put(Family::kCaaObs, {a + "00000001", a + "00000002", longer + "00000001"});
  EXPECT_THAT(Keys(Family::kCaaObs, KeyRange::Prefix(a)),
              ElementsAre(a + "00000001", a + "00000002"));
  ASSERT_TRUE(db_->db()->Flush(rocksdb::FlushOptions(), db_->handle(Family::kCaaObs)).ok());
  Put(Family::kCaaObs, {a + "00000003"});
  EXPECT_THAT(Keys(Family::kCaaObs, KeyRange::Prefix(a)),
              ElementsAre(a + "00000001", a + "00000002", a + "00000003"));
  EXPECT_THAT(Keys(Family::kCaaObs, KeyRange::Prefix(longer)), ElementsAre(longer + "00000001"));
}

// A listing in pages: `limit` keys at a time, each page resuming after the last key of the one
// before, forwards and backwards, with nothing repeated or skipped.
TEST_F(ScanTest, ALimitedScanResumesAfterItsLastKeyWithNothingRepeatedOrSkipped) {
  Put(Family::kWatch, {"k0", "k1", "k2", "k3", "k4", "k5", "k6"});
  ScanOptions page;
  page.limit = 3;
  KeyRange range = KeyRange::Prefix("k");
  EXPECT_THAT(Keys(Family::kWatch, range, page), ElementsAre("k0", "k1", "k2"));
  range.lower = KeyAfter("k2");
  EXPECT_THAT(Keys(Family::kWatch, range, page), ElementsAre("k3", "k4", "k5"));
  range.lower = KeyAfter("k5");
  EXPECT_THAT(Keys(Family::kWatch, range, page), ElementsAre("k6"));

  page.reverse = true;
  range = KeyRange::Prefix("k");
  EXPECT_THAT(Keys(Family::kWatch, range, page), ElementsAre("k6", "k5", "k4"));
  range.upper = "k4";  // Backwards, a page resumes below its last key.
  EXPECT_THAT(Keys(Family::kWatch, range, page), ElementsAre("k3", "k2", "k1"));

  page.limit = 0;
  EXPECT_THAT(Keys(Family::kWatch, KeyRange::All(), page), IsEmpty());
}

// The visitor ends the scan: by asking to stop (OK), or with an error, which Scan returns.
TEST_F(ScanTest, TheVisitorCanStopTheScanOrFailIt) {
  Put(Family::kWatch, {"a", "b", "c"});
  std::vector<std::string> seen;
  EXPECT_TRUE(Scan(*db_, Family::kWatch, KeyRange::All(), {},
                   [&](absl::string_view key, absl::string_view) -> absl::StatusOr<ScanStep> {
                     seen.emplace_back(key);
                     return key == "b" ? ScanStep::kStop : ScanStep::kNext;
                   })
                  .ok());
  EXPECT_THAT(seen, ElementsAre("a", "b"));
  const absl::Status failed =
      Scan(*db_, Family::kWatch, KeyRange::All(), {},
           [&](absl::string_view, absl::string_view) -> absl::StatusOr<ScanStep> {
             return absl::DataLossError("corrupt watch");
           });
  EXPECT_EQ(failed, absl::DataLossError("corrupt watch"));
}

// A data block of a flushed file damaged on disk: the scan fails with kDataLoss, naming the
// family, instead of ending early as if the remaining keys did not exist.
TEST_F(ScanTest, ADamagedFileFailsTheScanWithDataLossInsteadOfEndingItEarly) {
  std::vector<std::string> keys;
  for (int i = 0; i < 200; ++i) keys.push_back("key" + std::to_string(1000 + i));
  Put(Family::kWatch, keys);
  ASSERT_TRUE(db_->db()->Flush(rocksdb::FlushOptions(), db_->handle(Family::kWatch)).ok());
  std::vector<std::filesystem::path> tables;
  for (const auto& e : std::filesystem::directory_iterator(dir_.path())) {
    if (e.path().extension() == ".sst") tables.push_back(e.path());
  }
  ASSERT_EQ(tables.size(), 1u);
  db_.reset();
  {
    // The first data block starts the file; its footer and index, at the end, stay intact.
    std::fstream f(tables[0], std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(64);
    f.write(std::string(32, '\x5a').data(), 32);
  }
  Open();
  const absl::Status s = Scan(*db_, Family::kWatch, KeyRange::All(), {},
                              [](absl::string_view, absl::string_view) -> absl::StatusOr<ScanStep> {
                                return ScanStep::kNext;
                              });
  EXPECT_EQ(s.code(), absl::StatusCode::kDataLoss) << s;
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("scan watch"));
}

}  // namespace
}  // namespace caawatch::store
