// Followed zones' records over real RocksDB (issue 18): the status a reader sees with its
// condition (ok, retrying, expired), the saved copy across a reopen, and the records of a zone
// taken out of the configuration removed.
#include "store/followed_zones.h"

#include <optional>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "store/store.h"
#include "store/zone_status.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::store {
namespace {

using FollowedZonesTest = StoreFixture;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

ZoneStatusRecord Transferred(const std::string& zone, absl::Time at, absl::Duration expire) {
  ZoneStatusRecord r;
  r.set_zone(zone);
  r.set_has_serial(true);
  r.set_serial(7);
  r.set_last_transfer_ms(absl::ToUnixMillis(at));
  r.set_expire_ms(absl::ToInt64Milliseconds(expire));
  return r;
}

TEST(ZoneConditionTest, OkRetryingAndExpiredByTheSoaExpireTime) {
  ZoneStatusRecord r = Transferred("a.test", kNow - absl::Hours(1), absl::Hours(24));
  EXPECT_EQ(ZoneConditionOf(r, kNow), ZoneCondition::kOk);
  r.set_last_error("connection refused");
  r.set_last_error_ms(absl::ToUnixMillis(kNow - absl::Minutes(1)));
  EXPECT_EQ(ZoneConditionOf(r, kNow), ZoneCondition::kRetrying);
  // Past the expire time, failing or not, the copy is no longer vouched for.
  EXPECT_EQ(ZoneConditionOf(r, kNow + absl::Hours(24)), ZoneCondition::kExpired);
  r.clear_last_error();
  EXPECT_EQ(ZoneConditionOf(r, kNow + absl::Hours(24)), ZoneCondition::kExpired);
  // Never transferred: nothing to vouch for.
  ZoneStatusRecord never;
  never.set_zone("b.test");
  never.set_last_error("TSIG");
  EXPECT_EQ(ZoneConditionOf(never, kNow), ZoneCondition::kExpired);
  EXPECT_EQ(ZoneConditionName(ZoneCondition::kRetrying), "retrying");
}

TEST_F(FollowedZonesTest, StatusAndCopyAreKeptAndRemovedWithTheirZone) {
  ASSERT_TRUE(store_->followed_zones()
                  .PutStatus(Transferred("a.test", kNow - absl::Hours(1), absl::Hours(24)))
                  .ok());
  ASSERT_TRUE(store_->followed_zones()
                  .PutStatus(Transferred("b.test", kNow - absl::Hours(48), absl::Hours(24)))
                  .ok());
  EXPECT_FALSE(store_->followed_zones().PutStatus(ZoneStatusRecord()).ok());
  ZoneCopyRecord copy;
  copy.set_zone("a.test");
  copy.set_serial(7);
  ZoneRecordPb* caa = copy.add_records();
  caa->set_owner("a.test");
  caa->set_type(257);
  caa->set_ttl(300);
  caa->set_rdata(std::string("\0\5issueca.test", 14));
  ASSERT_TRUE(store_->followed_zones().PutCopy(copy).ok());
  Reopen();

  absl::StatusOr<std::unique_ptr<Store>> reader = OpenReader();
  ASSERT_TRUE(reader.ok()) << reader.status();
  absl::StatusOr<std::vector<ZoneStatusView>> views = ListZoneStatus(**reader, kNow);
  ASSERT_TRUE(views.ok()) << views.status();
  ASSERT_EQ(views->size(), 2u);
  EXPECT_EQ((*views)[0].record.zone(), "a.test");
  EXPECT_EQ((*views)[0].condition, ZoneCondition::kOk);
  EXPECT_EQ((*views)[1].condition, ZoneCondition::kExpired);
  reader->reset();

  absl::StatusOr<std::optional<ZoneCopyRecord>> saved = store_->followed_zones().GetCopy("a.test");
  ASSERT_TRUE(saved.ok() && saved->has_value());
  EXPECT_EQ((*saved)->serial(), 7u);
  ASSERT_EQ((*saved)->records_size(), 1);
  EXPECT_EQ((*saved)->records(0).rdata(), caa->rdata());

  // a.test is no longer configured: its status and copy go; b.test stays.
  ASSERT_TRUE(store_->followed_zones().RetainOnly({"b.test"}).ok());
  absl::StatusOr<std::vector<ZoneStatusRecord>> left = store_->followed_zones().ListStatus();
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].zone(), "b.test");
  saved = store_->followed_zones().GetCopy("a.test");
  ASSERT_TRUE(saved.ok());
  EXPECT_FALSE(saved->has_value());
}

}  // namespace
}  // namespace caawatch::store
