// A name's lookups and a followed zone's records of it (basis "zone", issue 18) share the
// name's observations: each extends only the newest of its own basis, never the other's, in
// the memtable and in flushed files alike, so interleaving polls and zone refreshes do not
// start a new observation at each step.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "store/store.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::store {
namespace {

using Kind = RecordedObservation::Kind;

CaaObservationRecord Seen(const std::string& basis, const std::string& issuer, int64_t ms) {
  CaaObservationRecord o;
  o.set_query_name("example.test");
  o.set_outcome("noerror");
  o.set_basis(basis);
  o.add_records()->set_tag("issue");
  o.mutable_records(0)->set_value(issuer);
  o.set_first_seen_ms(ms);
  o.set_last_seen_ms(ms);
  return o;
}

class CaaBasisTest : public StoreFixture {
 protected:
  RecordedObservation Record(const CaaObservationRecord& o) {
    absl::StatusOr<RecordedObservation> r = store_->caa_history().Record(o, absl::Seconds(10));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(RecordedObservation{});
  }
  std::vector<CaaObservationRecord> History() {
    return *store_->caa_history().Observations("example.test", absl::InfinitePast(),
                                               absl::InfiniteFuture());
  }
};

TEST_F(CaaBasisTest, LookupsAndZoneRecordsEachExtendTheirOwn) {
  EXPECT_EQ(Record(Seen("zone", "ca.test", 1000)).kind, Kind::kStarted);
  // Same answer, but a lookup: never merged into the zone's record.
  const RecordedObservation lookup = Record(Seen("", "ca.test", 1500));
  EXPECT_EQ(lookup.kind, Kind::kStarted);
  EXPECT_EQ(lookup.previous_last_seen_ms, 1000);
  EXPECT_EQ(Record(Seen("zone", "ca.test", 2000)).kind, Kind::kExtended);
  Reopen();  // In an SST now.
  EXPECT_EQ(Record(Seen("", "ca.test", 2500)).kind, Kind::kExtended);
  EXPECT_EQ(Record(Seen("zone", "ca.test", 3000)).kind, Kind::kExtended);
  std::vector<CaaObservationRecord> h = History();
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0].basis(), "zone");
  EXPECT_EQ(h[0].last_seen_ms(), 3000);
  EXPECT_EQ(h[1].basis(), "");
  EXPECT_EQ(h[1].last_seen_ms(), 2500);
  // A change in the zone starts a zone record; the lookups' record is untouched.
  const RecordedObservation changed = Record(Seen("zone", "other.test", 3500));
  EXPECT_EQ(changed.kind, Kind::kStarted);
  EXPECT_EQ(changed.previous_last_seen_ms, 2500);  // The newest of the name, whatever its basis.
  h = History();
  ASSERT_EQ(h.size(), 3u);
  EXPECT_EQ(h[1].last_seen_ms(), 2500);
}

}  // namespace
}  // namespace caawatch::store
