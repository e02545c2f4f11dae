// What the store holds open and in memory stays bounded however large it grows (issue 22's
// soak: the open SST files went from 6 to 50 in four minutes and grow with the store for
// years): hundreds of SST files are never all open at once and every one still reads, all
// families share one block cache of a fixed size, and a family whose keys only grow does not
// keep one tiny file per flush (by_seq had 102 after 8 simulated hours).
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/database.h"
#include "store/keys.h"
#include "store/small_files.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::store {
namespace {

// SST files of `dir` that this process has open now.
int OpenSstFiles(const std::string& dir) {
  int open = 0;
  for (const auto& fd : std::filesystem::directory_iterator("/proc/self/fd")) {
    std::error_code ec;
    const std::filesystem::path target = std::filesystem::read_symlink(fd.path(), ec);
    if (!ec && target.parent_path() == dir && target.extension() == ".sst") ++open;
  }
  return open;
}

int SstFilesOnDisk(const std::string& dir) {
  int n = 0;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    if (e.path().extension() == ".sst") ++n;
  }
  return n;
}

class StoreBoundsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Database>> db = Database::Open(dir_.string(), OpenOptions{});
    ASSERT_TRUE(db.ok()) << db.status();
    db_ = *std::move(db);
  }
  // One key in `family`, flushed into an SST file of its own.
  void PutAndFlush(Family family, const std::string& key) {
    rocksdb::WriteBatch batch;
    ASSERT_TRUE(batch.Put(db_->handle(family), key, "value of " + key).ok());
    ASSERT_TRUE(db_->Write(&batch, /*sync=*/false, "test").ok());
    ASSERT_TRUE(db_->db()->Flush(rocksdb::FlushOptions(), db_->handle(family)).ok());
  }
  std::string Read(Family family, const std::string& key) {
    std::string value;
    bool found = false;
    EXPECT_TRUE(db_->Get(family, key, &value, &found).ok());
    return found ? value : "(missing)";
  }
  size_t FamilyFiles(Family family) {
    std::vector<rocksdb::LiveFileMetaData> live;
    db_->db()->GetLiveFilesMetaData(&live);
    size_t n = 0;
    for (const rocksdb::LiveFileMetaData& f : live) {
      if (f.column_family_name == Database::FamilyName(family)) ++n;
    }
    return n;
  }
  uint64_t FamilyBytes(Family family) {
    std::vector<rocksdb::LiveFileMetaData> live;
    db_->db()->GetLiveFilesMetaData(&live);
    uint64_t bytes = 0;
    for (const rocksdb::LiveFileMetaData& f : live) {
      if (f.column_family_name == Database::FamilyName(family)) bytes += f.size;
    }
    return bytes;
  }
  uint64_t Property(Family family, const std::string& name) {
    uint64_t value = 0;
    EXPECT_TRUE(db_->db()->GetIntProperty(db_->handle(family), name, &value)) << name;
    return value;
  }

  TempDir dir_{"store_bounds_test"};
  std::unique_ptr<Database> db_;
};

TEST_F(StoreBoundsTest, ManySstFilesAreNeverAllOpenAndEveryOneStillReads) {
  // Compaction would merge the files; the bound must hold before it has caught up too.
  ASSERT_TRUE(
      db_->db()
          ->SetOptions(db_->handle(Family::kFindings), {{"disable_auto_compactions", "true"}})
          .ok());
  constexpr int kFiles = kMaxOpenTableFiles + 64;
  for (int i = 0; i < kFiles; ++i) {
    ASSERT_NO_FATAL_FAILURE(PutAndFlush(Family::kFindings, absl::StrCat("key", i)));
  }
  ASSERT_GE(SstFilesOnDisk(dir_.string()), kFiles);
  for (int i = 0; i < kFiles; ++i) {
    ASSERT_EQ(Read(Family::kFindings, absl::StrCat("key", i)), absl::StrCat("value of key", i));
  }
  EXPECT_LE(OpenSstFiles(dir_.string()), kMaxOpenTableFiles);
  EXPECT_GT(OpenSstFiles(dir_.string()), 0);  // The count itself works.
}

TEST_F(StoreBoundsTest, EveryFamilySharesOneBlockCacheOfFixedSize) {
  for (Family family : {Family::kFindings, Family::kCaaObs, Family::kTreeHeads}) {
    EXPECT_EQ(Property(family, "rocksdb.block-cache-capacity"), kBlockCacheBytes);
  }
  ASSERT_NO_FATAL_FAILURE(PutAndFlush(Family::kFindings, "a finding"));
  ASSERT_NO_FATAL_FAILURE(PutAndFlush(Family::kCaaObs, "an observation"));
  ASSERT_EQ(Read(Family::kFindings, "a finding"), "value of a finding");
  ASSERT_EQ(Read(Family::kCaaObs, "an observation"), "value of an observation");
  const uint64_t used = Property(Family::kFindings, "rocksdb.block-cache-usage");
  EXPECT_GT(used, 0u);
  // A cache of its own per family would show each family only its own blocks.
  EXPECT_EQ(Property(Family::kCaaObs, "rocksdb.block-cache-usage"), used);
  EXPECT_EQ(Property(Family::kTreeHeads, "rocksdb.block-cache-usage"), used);
}

TEST_F(StoreBoundsTest, AFamilyWhoseKeysOnlyGrowIsMergedInsteadOfKeepingAFileAFlush) {
  constexpr int kFlushes = 40;
  for (int i = 0; i < kFlushes; ++i) {
    ASSERT_NO_FATAL_FAILURE(PutAndFlush(Family::kBySeq, BigEndian64(i)));
  }
  ASSERT_NO_FATAL_FAILURE(PutAndFlush(Family::kFindings, "one finding"));
  // RocksDB's own compaction moves such files down a level unmerged: they stay.
  ASSERT_GT(FamilyFiles(Family::kBySeq), kMaxSmallFiles);
  absl::StatusOr<std::vector<std::string>> merged = MergeSmallFiles(*db_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_THAT(*merged, ::testing::ElementsAre("by_seq"));  // Not findings: one file.
  EXPECT_LE(FamilyFiles(Family::kBySeq), 2u);
  for (int i = 0; i < kFlushes; ++i) {
    ASSERT_EQ(Read(Family::kBySeq, BigEndian64(i)), "value of " + BigEndian64(i));
  }
  // Nothing left to merge.
  merged = MergeSmallFiles(*db_);
  ASSERT_TRUE(merged.ok()) << merged.status();
  EXPECT_TRUE(merged->empty());
}

TEST_F(StoreBoundsTest, DeletedTreeHeadsGiveTheirSpaceBackWithoutAManualCompaction) {
  // One file of heads, then most of them deleted in one batch, as a retention pass does.
  constexpr int kHeads = 20000;
  constexpr int kDeleted = 19000;
  rocksdb::WriteBatch heads;
  for (int i = 0; i < kHeads; ++i) {
    // Values that do not compress away, as signatures and roots do not.
    std::string value;
    for (int j = 0; j < 10; ++j) value += BigEndian64(uint64_t(i) * 2654435761u + j * 40503u);
    ASSERT_TRUE(heads.Put(db_->handle(Family::kTreeHeads), BigEndian64(i), value).ok());
  }
  ASSERT_TRUE(db_->Write(&heads, /*sync=*/false, "test").ok());
  ASSERT_TRUE(db_->db()->Flush(rocksdb::FlushOptions(), db_->handle(Family::kTreeHeads)).ok());
  const uint64_t full = FamilyBytes(Family::kTreeHeads);
  ASSERT_GT(full, uint64_t{kHeads} * 40);
  rocksdb::WriteBatch pruned;
  for (int i = 0; i < kDeleted; ++i) {
    ASSERT_TRUE(pruned.Delete(db_->handle(Family::kTreeHeads), BigEndian64(i)).ok());
  }
  ASSERT_TRUE(db_->Write(&pruned, /*sync=*/false, "test").ok());
  ASSERT_TRUE(db_->db()->Flush(rocksdb::FlushOptions(), db_->handle(Family::kTreeHeads)).ok());
  // RocksDB compacts in the background; two files are below its size and count triggers, so
  // only the deletions can make it do so.
  uint64_t now = FamilyBytes(Family::kTreeHeads);
  for (int waited = 0; now > full / 4 && waited < 200; ++waited) {
    absl::SleepFor(absl::Milliseconds(100));
    now = FamilyBytes(Family::kTreeHeads);
  }
  EXPECT_LT(now, full / 4) << "bytes on disk: " << full << " before the deletions";
  EXPECT_EQ(Read(Family::kTreeHeads, BigEndian64(kHeads - 1)).size(), 80u);
  EXPECT_EQ(Read(Family::kTreeHeads, BigEndian64(0)), "(missing)");
}

}  // namespace
}  // namespace caawatch::store
