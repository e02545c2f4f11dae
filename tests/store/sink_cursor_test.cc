// Notification sinks' cursors over real RocksDB: written, listed, kept across a reopen, and the
// migration of a version 2 store to version 3.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/store.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::store {
namespace {

using SinkCursorTest = StoreFixture;

SinkCursorRecord Cursor(const std::string& sink, uint64_t seq) {
  SinkCursorRecord c;
  c.set_sink_id(sink);
  c.set_cursor_seq(seq);
  return c;
}

FindingRecord Malformed(char leaf) {
  FindingRecord f;
  f.set_kind("malformed_cert");
  f.set_verdict("malformed_cert");
  f.set_severity("warning");
  f.set_leaf_hash(std::string(32, leaf));
  return f;
}

// Turns the closed store in `dir` back into a schema version 2 store (which has no sink
// cursors: the test writes none before).
void MakeVersion2(const std::string& dir) {
  rocksdb::DBOptions options;
  std::vector<std::string> names;
  ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir, &names).ok());
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* db = nullptr;
  ASSERT_TRUE(rocksdb::DB::Open(options, dir, families, &handles, &db).ok());
  ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "schema_version", "2").ok());
  for (rocksdb::ColumnFamilyHandle* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  delete db;
}

TEST_F(SinkCursorTest, ACursorIsKeptPerSinkAndSurvivesAReopen) {
  EXPECT_FALSE(store_->sink_cursors().Get("webhook https://a.example/x")->has_value());
  ASSERT_TRUE(store_->sink_cursors().Put(Cursor("webhook https://a.example/x", 7), false).ok());
  ASSERT_TRUE(store_->sink_cursors().Put(Cursor("email a@example.com", 3), true).ok());
  ASSERT_TRUE(store_->sink_cursors().Put(Cursor("webhook https://a.example/x", 9), false).ok());
  Reopen();
  auto got = store_->sink_cursors().Get("webhook https://a.example/x");
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->cursor_seq(), 9u);
  auto all = store_->sink_cursors().List();
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ(all->at(0).sink_id(), "email a@example.com");
  EXPECT_EQ(all->at(0).cursor_seq(), 3u);
  EXPECT_EQ(store_->sink_cursors().Put(Cursor("", 1), true).code(),
            absl::StatusCode::kInvalidArgument);
  // Beside the store's other meta keys, which they leave alone.
  Commit({Malformed('z')});
  Reopen();
  EXPECT_EQ(*store_->findings().LastSeq(), 1u);
  EXPECT_EQ(store_->sink_cursors().List()->size(), 2u);
}

TEST_F(SinkCursorTest, AVersion2StoreIsMigratedByAWriterAndRefusedByAReader) {
  Commit({Malformed('a'), Malformed('b')});
  store_.reset();
  MakeVersion2(dir_.string());
  auto reader = OpenReader();
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(reader.status().message().find("schema version 2"), std::string::npos)
      << reader.status();
  Reopen();                                      // A writer: migrates.
  EXPECT_EQ(*store_->findings().LastSeq(), 2u);  // The findings stay.
  EXPECT_TRUE(store_->sink_cursors().List()->empty());
  ASSERT_TRUE(store_->sink_cursors().Put(Cursor("script /bin/true", 2), true).ok());
  auto migrated = OpenReader();  // Readable once migrated, cursors included.
  ASSERT_TRUE(migrated.ok()) << migrated.status();
  EXPECT_EQ((*migrated)->sink_cursors().List()->size(), 1u);
}

TEST_F(SinkCursorTest, AStoreOfANewerSchemaIsRefused) {
  store_.reset();
  {
    rocksdb::DB* db = nullptr;
    rocksdb::Options options;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, dir_.string(), &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> families;
    for (const std::string& n : names) families.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(options, dir_.string(), families, &handles, &db).ok());
    ASSERT_TRUE(
        db->Put(rocksdb::WriteOptions(), "schema_version", std::to_string(kSchemaVersion + 1))
            .ok());
    for (rocksdb::ColumnFamilyHandle* h : handles)
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    delete db;
  }
  auto writer = Store::Open(dir_.string());
  EXPECT_EQ(writer.status().code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace caawatch::store
