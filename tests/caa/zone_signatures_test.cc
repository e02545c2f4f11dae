// DNSSEC checks of transferred RRsets, on zones a real Knot DNS signs (one per algorithm) and
// transfers with TSIG: the DNSKEY set chains to the DS Knot exports; the CAA and CNAME RRsets
// verify; a CAA RRset altered after the transfer, one whose served RRSIG Knot never made, or a
// signature outside its validity is bogus; a wrong DS trusts nothing; an unsigned zone says so.
#include "caa/zone_signatures.h"

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch::caa {
namespace {

using ::testing::HasSubstr;

constexpr char kKey[] = "hmac-sha256:sig-key:c2lnbmF0dXJlIHRlc3Qga2V5LCB0aGlydHktdHdvIGJ5dGVzIQ==";
constexpr uint16_t kCname = 5, kCaa = 257;
constexpr char kRecords[] =
    "@ CAA 0 issue \"letsencrypt.org\"\n"
    "deep.a CAA 0 issue \"pki.goog\"\n"
    "deep.a CAA 0 iodef \"mailto:security@example.test\"\n"
    "www CNAME deep.a\n";

// One zone per algorithm Knot signs with, a zone whose CAA RRSIGs Knot serves corrupted, and an
// unsigned one.
const std::vector<std::string> kAlgorithms = {"ecdsap256sha256", "ecdsap384sha384", "rsasha256",
                                              "ed25519"};

class ZoneSignaturesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    std::vector<fakes::KnotZone> zones;
    for (const std::string& algorithm : kAlgorithms) {
      zones.push_back({.origin = algorithm + ".test",
                       .records = kRecords,
                       .signing = fakes::ZoneSigning::kSigned,
                       .transfer_key = kKey,
                       .signing_algorithm = algorithm});
    }
    zones.push_back({.origin = "broken.test",
                     .records = kRecords,
                     .signing = fakes::ZoneSigning::kBrokenCaaSignature,
                     .transfer_key = kKey});
    zones.push_back({.origin = "plain.test", .records = kRecords, .transfer_key = kKey});
    absl::StatusOr<std::unique_ptr<fakes::KnotServer>> server = fakes::KnotServer::Start(zones);
    ASSERT_TRUE(server.ok()) << server.status();
    knot_ = server->release();
  }
  static void TearDownTestSuite() {
    delete knot_;
    knot_ = nullptr;
  }

  static ZoneSnapshot Transfer(const std::string& zone) {
    ZoneTransferOptions options;
    options.primary = knot_->address();
    options.tsig =
        TsigKey{"sig-key", "hmac-sha256", "c2lnbmF0dXJlIHRlc3Qga2V5LCB0aGlydHktdHdvIGJ5dGVzIQ=="};
    absl::StatusOr<ZoneSnapshot> snapshot = TransferZone(zone, options);
    EXPECT_TRUE(snapshot.ok()) << snapshot.status();
    return snapshot.ok() ? *snapshot : ZoneSnapshot();
  }
  static std::vector<DsRecord> Ds(const std::string& zone) {
    std::stringstream text;
    text << std::ifstream(knot_->trust_anchor_file()).rdbuf();
    absl::StatusOr<std::vector<DsRecord>> ds = ParseDsRecords(text.str(), zone);
    EXPECT_TRUE(ds.ok()) << ds.status();
    EXPECT_FALSE(ds.ok() && ds->empty()) << "no DS for " << zone << " in:\n" << text.str();
    return ds.ok() ? *ds : std::vector<DsRecord>();
  }

  static fakes::KnotServer* knot_;
};
fakes::KnotServer* ZoneSignaturesTest::knot_ = nullptr;

TEST_F(ZoneSignaturesTest, EveryAlgorithmVerifiesAndAnAlteredRrsetIsBogus) {
  for (const std::string& algorithm : kAlgorithms) {
    SCOPED_TRACE(algorithm);
    const std::string zone = algorithm + ".test";
    ZoneSnapshot snapshot = Transfer(zone);
    absl::StatusOr<std::vector<ZoneRecord>> keys =
        TrustedDnskeys(zone, snapshot.records, Ds(zone), absl::Now());
    ASSERT_TRUE(keys.ok()) << keys.status();
    EXPECT_EQ(CheckRrset(zone, kCaa, snapshot.records, *keys, absl::Now()).security,
              RrsetSecurity::kSecure);
    const RrsetCheck deep =
        CheckRrset("deep.a." + zone, kCaa, snapshot.records, *keys, absl::Now());
    EXPECT_EQ(deep.security, RrsetSecurity::kSecure) << deep.why;
    EXPECT_EQ(CheckRrset("www." + zone, kCname, snapshot.records, *keys, absl::Now()).security,
              RrsetSecurity::kSecure);

    // One letter of the deep name's issuer changed after the transfer: "pki.goog" -> "pki.gooh".
    for (ZoneRecord& r : snapshot.records) {
      if (r.type == kCaa && r.owner == "deep.a." + zone && r.rdata.back() == 'g')
        r.rdata.back() = 'h';
    }
    const RrsetCheck altered =
        CheckRrset("deep.a." + zone, kCaa, snapshot.records, *keys, absl::Now());
    EXPECT_EQ(altered.security, RrsetSecurity::kBogus);
    EXPECT_THAT(altered.why, HasSubstr("does not verify"));
    // The apex RRset is untouched and still verifies.
    EXPECT_EQ(CheckRrset(zone, kCaa, snapshot.records, *keys, absl::Now()).security,
              RrsetSecurity::kSecure);
  }
}

TEST_F(ZoneSignaturesTest, ServedCorruptSignatureIsBogusWhileTheKeysAreTrusted) {
  const ZoneSnapshot snapshot = Transfer("broken.test");
  absl::StatusOr<std::vector<ZoneRecord>> keys =
      TrustedDnskeys("broken.test", snapshot.records, Ds("broken.test"), absl::Now());
  ASSERT_TRUE(keys.ok()) << keys.status();
  const RrsetCheck caa = CheckRrset("broken.test", kCaa, snapshot.records, *keys, absl::Now());
  EXPECT_EQ(caa.security, RrsetSecurity::kBogus);
  EXPECT_THAT(caa.why, HasSubstr("does not verify"));
  EXPECT_EQ(CheckRrset("www.broken.test", kCname, snapshot.records, *keys, absl::Now()).security,
            RrsetSecurity::kSecure);
}

TEST_F(ZoneSignaturesTest, WrongDsExpiredSignaturesMissingRrsetAndUnsignedZone) {
  const std::string zone = "ecdsap256sha256.test";
  const ZoneSnapshot snapshot = Transfer(zone);
  // The DS of another zone names another key.
  absl::StatusOr<std::vector<ZoneRecord>> foreign =
      TrustedDnskeys(zone, snapshot.records, Ds("rsasha256.test"), absl::Now());
  EXPECT_EQ(foreign.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(foreign.status().message()), HasSubstr("matches a trusted DS"));

  absl::StatusOr<std::vector<ZoneRecord>> keys =
      TrustedDnskeys(zone, snapshot.records, Ds(zone), absl::Now());
  ASSERT_TRUE(keys.ok()) << keys.status();
  const absl::Time later = absl::Now() + absl::Hours(24 * 400);  // Past every expiration.
  const RrsetCheck expired = CheckRrset(zone, kCaa, snapshot.records, *keys, later);
  EXPECT_EQ(expired.security, RrsetSecurity::kBogus);
  EXPECT_THAT(expired.why, HasSubstr("not valid now"));
  EXPECT_EQ(TrustedDnskeys(zone, snapshot.records, Ds(zone), later).status().code(),
            absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(CheckRrset("nothing." + zone, kCaa, snapshot.records, *keys, absl::Now()).security,
            RrsetSecurity::kBogus);

  const ZoneSnapshot plain = Transfer("plain.test");
  EXPECT_EQ(TrustedDnskeys("plain.test", plain.records, {}, absl::Now()).status().code(),
            absl::StatusCode::kNotFound);
}

TEST(DsRecordsTest, ParsesZoneFileLinesAndRefusesBrokenOnes) {
  absl::StatusOr<std::vector<DsRecord>> ds = ParseDsRecords(
      "; comment\n"
      "example.test. 3600 IN DS 2371 13 2 1F98 7CC9\n"
      "other.test. 3600 IN DS 1 8 2 AA\n",
      "example.test");
  ASSERT_TRUE(ds.ok()) << ds.status();
  ASSERT_EQ(ds->size(), 1u);
  EXPECT_EQ((*ds)[0].key_tag, 2371);
  EXPECT_EQ((*ds)[0].algorithm, 13);
  EXPECT_EQ((*ds)[0].digest_type, 2);
  EXPECT_EQ((*ds)[0].digest, (std::vector<uint8_t>{0x1f, 0x98, 0x7c, 0xc9}));
  EXPECT_EQ(ParseDsRecords("example.test. IN DS 99999 13 2 AB\n", "example.test").status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseDsRecords("example.test. IN DS 1 13 2 XYZ\n", "example.test").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace caawatch::caa
