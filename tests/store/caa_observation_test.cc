// The store's CAA observations: each name's newest observation found by a prefix seek
// (the caa_obs prefix filter) across the memtable and flushed files, whatever the batch order,
// and in stores written before that filter existed.
#include <memory>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "rocksdb/db.h"
#include "store/keys.h"
#include "store/store.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::store {
namespace {

using Kind = RecordedObservation::Kind;

CaaObservationRecord Observation(const std::string& name, const std::string& issuer,
                                 int64_t seen_ms) {
  CaaObservationRecord o;
  o.set_query_name(name);
  o.set_outcome("noerror");
  o.add_records()->set_tag("issue");
  o.mutable_records(0)->set_value(issuer);
  o.set_first_seen_ms(seen_ms);
  o.set_last_seen_ms(seen_ms);
  return o;
}

class CaaObservationTest : public StoreFixture {
 protected:
  std::vector<RecordedObservation> Record(const std::vector<CaaObservationRecord>& batch) {
    absl::StatusOr<std::vector<RecordedObservation>> recorded =
        store_->caa_history().RecordAll(batch, absl::Seconds(10));
    EXPECT_TRUE(recorded.ok()) << recorded.status();
    return recorded.ok() ? *recorded : std::vector<RecordedObservation>(batch.size());
  }
  std::vector<CaaObservationRecord> History(const std::string& name) {
    return *store_->caa_history().Observations(name, absl::InfinitePast(), absl::InfiniteFuture());
  }
};

// Names that are prefixes of one another, given out of key order: each is judged against its
// own newest observation (in a flushed file after the reopen, in the memtable after that), and
// the results come back in the batch's order.
TEST_F(CaaObservationTest, EachNameIsJudgedAgainstItsOwnNewestObservationWhateverTheBatchOrder) {
  Record({Observation("b.example", "ca.test", 1000), Observation("a.example.com", "ca.test", 1000),
          Observation("a.example", "ca.test", 1000)});
  Record({Observation("a.example", "ca.test", 5000)});  // Extends a.example to 5000.
  Reopen();                                             // All of it now in an SST.
  const std::vector<RecordedObservation> second = Record(
      {Observation("c.a.example", "ca.test", 8000), Observation("b.example", "pki.goog", 8000),
       Observation("a.example.com", "ca.test", 8000), Observation("a.example", "ca.test", 8000),
       Observation("a.exampl", "ca.test", 8000)});
  ASSERT_EQ(second.size(), 5u);
  EXPECT_EQ(second[0].kind, Kind::kStarted);  // c.a.example: new.
  EXPECT_FALSE(second[0].previous_last_seen_ms.has_value());
  EXPECT_EQ(second[1].kind, Kind::kStarted);  // b.example: changed.
  EXPECT_EQ(second[1].previous_last_seen_ms, 1000);
  EXPECT_EQ(second[2].kind, Kind::kExtended);  // a.example.com: 7 s after 1000.
  EXPECT_EQ(second[3].kind, Kind::kExtended);  // a.example: 3 s after 5000.
  EXPECT_EQ(second[4].kind, Kind::kStarted);   // a.exampl: new, though a prefix of others.
  EXPECT_FALSE(second[4].previous_last_seen_ms.has_value());
  // Memtable over file: b.example's newest is now the one just written.
  const std::vector<RecordedObservation> third = Record(
      {Observation("b.example", "pki.goog", 9000), Observation("a.example", "x.test", 9000)});
  EXPECT_EQ(third[0].kind, Kind::kExtended);
  EXPECT_EQ(third[1].kind, Kind::kStarted);
  EXPECT_EQ(third[1].previous_last_seen_ms, 8000);
  ASSERT_EQ(History("a.example").size(), 2u);
  EXPECT_EQ(History("a.example")[0].last_seen_ms(), 8000);
  ASSERT_EQ(History("a.example.com").size(), 1u);
  EXPECT_EQ(History("a.example.com")[0].last_seen_ms(), 8000);
  EXPECT_EQ(History("a.exampl").size(), 1u);
}

// A store whose caa_obs files were written without the prefix filter (caawatch before it, here
// plain RocksDB options) opens, and its observations are found and extended.
TEST_F(CaaObservationTest, ObservationsWrittenWithoutThePrefixFilterAreStillFound) {
  store_.reset();
  std::filesystem::remove_all(dir_.path());
  {
    rocksdb::DBOptions db_options;
    db_options.create_if_missing = true;
    db_options.create_missing_column_families = true;
    std::vector<rocksdb::ColumnFamilyDescriptor> families = {
        {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()},
        {"caa_obs", rocksdb::ColumnFamilyOptions()}};
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(db_options, dir_.string(), families, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (const char* name : {"old.example", "old.example.net", "zzz.example"}) {
      const CaaObservationRecord o = Observation(name, "ca.test", 1000);
      ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), handles[1], ObservationKey(name, 1000),
                          o.SerializeAsString())
                      .ok());
    }
    ASSERT_TRUE(db->Flush(rocksdb::FlushOptions(), handles[1]).ok());
    for (rocksdb::ColumnFamilyHandle* h : handles)
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  }
  Reopen();
  const std::vector<RecordedObservation> recorded = Record(
      {Observation("zzz.example", "ca.test", 2000), Observation("new.example", "ca.test", 2000),
       Observation("old.example", "ca.test", 2000)});
  EXPECT_EQ(recorded[0].kind, Kind::kExtended);
  EXPECT_EQ(recorded[1].kind, Kind::kStarted);
  EXPECT_EQ(recorded[2].kind, Kind::kExtended);
  ASSERT_EQ(History("old.example").size(), 1u);
  EXPECT_EQ(History("old.example")[0].last_seen_ms(), 2000);
  EXPECT_EQ(History("old.example.net").size(), 1u);
}

}  // namespace
}  // namespace caawatch::store
