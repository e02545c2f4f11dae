// A followed zone kept up to date from a real, signed Knot DNS primary: the first full transfer,
// then knsupdate changes fetched by IXFR. Each step reports exactly the CAA and CNAME RRsets
// that changed (Knot's re-signing, NSEC and SOA churn report nothing), and the changed RRsets
// verify with the zone's keys as held; changes that do not fit the copy held are refused.
#include "caa/followed_zone.h"

#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "caa/zone_signatures.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch::caa {
namespace {

constexpr char kZone[] = "followed.test";
constexpr char kSecret[] = "Zm9sbG93ZWQgem9uZSB0ZXN0IGtleSwgMzIgYnl0ZXMhIQ==";
constexpr uint16_t kCname = 5, kCaa = 257;

std::vector<uint8_t> CaaRdata(const std::string& tag, const std::string& value) {
  std::vector<uint8_t> out = {0, static_cast<uint8_t>(tag.size())};
  out.insert(out.end(), tag.begin(), tag.end());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

class FollowedZoneTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<fakes::KnotServer>> server = fakes::KnotServer::Start(
        {{.origin = kZone,
          .records = "@ CAA 0 issue \"letsencrypt.org\"\n"
                     "deep.a CAA 0 issue \"pki.goog\"\n"
                     "www CNAME deep.a\n",
          .signing = fakes::ZoneSigning::kSigned,
          .allow_updates = true,
          .transfer_key = absl::StrCat("hmac-sha256:followed-key:", kSecret)}});
    ASSERT_TRUE(server.ok()) << server.status();
    knot_ = *std::move(server);
    options_.primary = knot_->address();
    options_.tsig = TsigKey{"followed-key", "hmac-sha256", kSecret};
    options_.timeout = absl::Seconds(10);
  }

  // Fetches the changes since `zone`'s serial and applies them; the changed RRsets.
  std::vector<RrsetChange> Follow(FollowedZone* zone) {
    absl::StatusOr<IxfrAnswer> answer = TransferZoneChanges(kZone, zone->serial(), options_);
    EXPECT_TRUE(answer.ok()) << answer.status();
    if (!answer.ok()) return {};
    EXPECT_EQ(answer->kind, IxfrAnswer::Kind::kIncremental);
    std::vector<RrsetChange> changed;
    for (const ZoneChange& change : answer->changes) {
      absl::StatusOr<std::vector<RrsetChange>> step = zone->Apply(change);
      EXPECT_TRUE(step.ok()) << step.status();
      if (step.ok()) changed.insert(changed.end(), step->begin(), step->end());
    }
    EXPECT_EQ(zone->serial(), answer->serial);
    return changed;
  }

  RrsetSecurity Security(const FollowedZone& zone, const std::string& owner, uint16_t type) {
    std::stringstream anchors;
    anchors << std::ifstream(knot_->trust_anchor_file()).rdbuf();
    absl::StatusOr<std::vector<DsRecord>> ds = ParseDsRecords(anchors.str(), kZone);
    EXPECT_TRUE(ds.ok()) << ds.status();
    absl::StatusOr<std::vector<ZoneRecord>> keys =
        TrustedDnskeys(kZone, zone.KeysWithSignatures(), *ds, absl::Now());
    EXPECT_TRUE(keys.ok()) << keys.status();
    if (!keys.ok()) return RrsetSecurity::kBogus;
    const RrsetCheck check =
        CheckRrset(owner, type, zone.RrsetWithSignatures(owner, type), *keys, absl::Now());
    EXPECT_EQ(check.security, RrsetSecurity::kSecure) << owner << ": " << check.why;
    return check.security;
  }

  std::unique_ptr<fakes::KnotServer> knot_;
  ZoneTransferOptions options_;
};

TEST_F(FollowedZoneTest, EachStepReportsExactlyTheCaaAndCnameChanges) {
  absl::StatusOr<ZoneSnapshot> first = TransferZone(kZone, options_);
  ASSERT_TRUE(first.ok()) << first.status();
  FollowedZone zone(kZone, *first);
  std::vector<std::string> held;
  for (const RrsetChange& r : zone.Rrsets()) held.push_back(r.owner + "/" + std::to_string(r.type));
  EXPECT_THAT(held, ::testing::ElementsAre("deep.a.followed.test/257", "followed.test/257",
                                           "www.followed.test/5"));
  EXPECT_EQ(Security(zone, "deep.a.followed.test", kCaa), RrsetSecurity::kSecure);

  // A deep name's CAA changes: that RRset alone is reported, with its new content, signed.
  ASSERT_TRUE(knot_
                  ->Update(kZone,
                           "update delete deep.a.followed.test. CAA\n"
                           "update add deep.a.followed.test. 300 CAA 0 issue \"letsencrypt.org\"\n")
                  .ok());
  std::vector<RrsetChange> changed = Follow(&zone);
  ASSERT_EQ(changed.size(), 1u);
  EXPECT_EQ(changed[0].owner, "deep.a.followed.test");
  EXPECT_EQ(changed[0].type, kCaa);
  ASSERT_EQ(changed[0].records.size(), 1u);
  EXPECT_EQ(changed[0].records[0].rdata, CaaRdata("issue", "letsencrypt.org"));
  EXPECT_EQ(Security(zone, "deep.a.followed.test", kCaa), RrsetSecurity::kSecure);

  // A new name gets CAA, the CNAME goes: both reported, the CNAME as gone.
  ASSERT_TRUE(knot_
                  ->Update(kZone,
                           "update add new.b.followed.test. 300 CAA 0 issue \"digicert.com\"\n"
                           "update delete www.followed.test. CNAME\n")
                  .ok());
  changed = Follow(&zone);
  ASSERT_EQ(changed.size(), 2u);
  EXPECT_EQ(changed[0].owner, "new.b.followed.test");
  EXPECT_EQ(changed[0].records.size(), 1u);
  EXPECT_EQ(changed[1].owner, "www.followed.test");
  EXPECT_EQ(changed[1].type, kCname);
  EXPECT_TRUE(changed[1].records.empty());

  // A change elsewhere (an A record) re-signs and re-chains the zone but changes no CAA.
  ASSERT_TRUE(knot_->Update(kZone, "update add host.followed.test. 300 A 192.0.2.1\n").ok());
  EXPECT_TRUE(Follow(&zone).empty());

  // A full copy taken now is what the steps built.
  absl::StatusOr<ZoneSnapshot> now = TransferZone(kZone, options_);
  ASSERT_TRUE(now.ok()) << now.status();
  FollowedZone fresh(kZone, *now);
  EXPECT_EQ(fresh.serial(), zone.serial());
  EXPECT_TRUE(zone.Replace(*now).empty());
}

TEST_F(FollowedZoneTest, ChangesThatDoNotFitTheCopyAreRefusedAndChangeNothing) {
  absl::StatusOr<ZoneSnapshot> first = TransferZone(kZone, options_);
  ASSERT_TRUE(first.ok()) << first.status();
  FollowedZone zone(kZone, *first);
  const uint32_t serial = zone.serial();

  ZoneChange elsewhere{serial + 5, serial + 6, {}, {}};
  EXPECT_EQ(zone.Apply(elsewhere).status().code(), absl::StatusCode::kFailedPrecondition);

  ZoneChange phantom{serial, serial + 1, {}, {}};
  phantom.added.push_back({"x.followed.test", kCaa, 300, CaaRdata("issue", "ca.test")});
  phantom.removed.push_back({"deep.a.followed.test", kCaa, 300, CaaRdata("issue", "never.test")});
  absl::StatusOr<std::vector<RrsetChange>> refused = zone.Apply(phantom);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(zone.serial(), serial);
  EXPECT_TRUE(zone.RrsetWithSignatures("x.followed.test", kCaa).empty());
}

}  // namespace
}  // namespace caawatch::caa
