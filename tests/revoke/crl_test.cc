// CheckCrl against CRLs signed by a real test CA: what is believed, and what is refused.
#include "revoke/crl.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/crl_test_ca.h"
#include "tests/fakes/test_crl.h"

namespace caawatch::revoke {
namespace {

using ::caawatch::fakes::CrlTestCa;
using ::caawatch::fakes::kCrlTestNow;
using ::caawatch::fakes::MakeCrlTestCa;

using ::testing::HasSubstr;

class CrlTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_NO_FATAL_FAILURE(MakeCrlTestCa("URI:http://c.example/", &ca_)); }

  std::string Crl(const fakes::CrlSpec& spec, EVP_PKEY* key = nullptr) {
    auto crl = fakes::MakeCrl(ca_.ca, spec, key);
    EXPECT_TRUE(crl.ok()) << crl.status();
    return crl.ok() ? *crl : "";
  }

  CrlTestCa ca_;
};

TEST_F(CrlTest, ListedCertificateIsRevokedWithDateAndReason) {
  const absl::Time revoked_at = kCrlTestNow - absl::Hours(2);
  const std::string crl = Crl({kCrlTestNow - absl::Hours(1),
                               kCrlTestNow + absl::Hours(24),
                               {{ca_.leaf_der, revoked_at, 1}}});
  auto finding = CheckCrl(crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow);
  ASSERT_TRUE(finding.ok()) << finding.status();
  ASSERT_TRUE(finding->revocation.has_value());
  EXPECT_EQ(finding->revocation->revocation_date, revoked_at);
  EXPECT_EQ(finding->revocation->reason, "keyCompromise");
  EXPECT_EQ(finding->this_update, kCrlTestNow - absl::Hours(1));
  EXPECT_FALSE(finding->stale);
}

TEST_F(CrlTest, NoReasonCodeReadsAsUnspecified) {
  const std::string crl = Crl({kCrlTestNow - absl::Hours(1),
                               kCrlTestNow + absl::Hours(24),
                               {{ca_.leaf_der, kCrlTestNow, std::nullopt}}});
  auto finding = CheckCrl(crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow);
  ASSERT_TRUE(finding.ok()) << finding.status();
  ASSERT_TRUE(finding->revocation.has_value());
  EXPECT_EQ(finding->revocation->reason, "unspecified");
}

TEST_F(CrlTest, UnlistedCertificateIsNotRevoked) {
  // Another serial (the intermediate's own) on the list; the leaf's is not.
  const std::string crl = Crl({kCrlTestNow - absl::Hours(1),
                               kCrlTestNow + absl::Hours(24),
                               {{ca_.ca.der, kCrlTestNow, 1}}});
  auto finding = CheckCrl(crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow);
  ASSERT_TRUE(finding.ok()) << finding.status();
  EXPECT_FALSE(finding->revocation.has_value());
}

TEST_F(CrlTest, CrlSignedByAnotherKeyIsRefused) {
  fakes::CertificateFactory factory(1234);
  auto forger = factory.NextKey();
  ASSERT_TRUE(forger.ok());
  const std::string crl = Crl({kCrlTestNow - absl::Hours(1),
                               kCrlTestNow + absl::Hours(24),
                               {{ca_.leaf_der, kCrlTestNow, 1}}},
                              forger->get());
  auto finding = CheckCrl(crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow);
  EXPECT_EQ(finding.status().code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(finding.status().message(), HasSubstr("signature"));
}

TEST_F(CrlTest, OneFlippedByteInTheSignedPartIsRefused) {
  std::string crl = Crl({kCrlTestNow - absl::Hours(1),
                         kCrlTestNow + absl::Hours(24),
                         {{ca_.leaf_der, kCrlTestNow, 1}}});
  // The issuer name's last byte (inside the TBSCertList): still parses, no longer verifies.
  const size_t at = crl.find("Revoke Test CA");
  ASSERT_NE(at, std::string::npos);
  crl[at + 13] ^= 0x01;
  auto finding = CheckCrl(crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow);
  EXPECT_EQ(finding.status().code(), absl::StatusCode::kPermissionDenied);
}

TEST_F(CrlTest, CrlOfAnotherIssuerIsRefused) {
  // Signed by the root (a valid signature with the root's key) but checked as the CA's.
  auto crl =
      fakes::MakeCrl(ca_.root, {kCrlTestNow - absl::Hours(1), kCrlTestNow + absl::Hours(24), {}});
  ASSERT_TRUE(crl.ok());
  EXPECT_EQ(CheckCrl(*crl, ca_.leaf_der, ca_.root.der, kCrlTestNow).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckCrl(*crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow).status().code(),
            absl::StatusCode::kPermissionDenied);
}

TEST_F(CrlTest, AbsurdDatesAreRefusedAndAPassedNextUpdateIsStale) {
  EXPECT_EQ(CheckCrl(Crl({kCrlTestNow + absl::Hours(1), kCrlTestNow + absl::Hours(24), {}}),
                     ca_.leaf_der, ca_.ca.der, kCrlTestNow)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckCrl(Crl({kCrlTestNow - absl::Hours(1), kCrlTestNow - absl::Hours(2), {}}),
                     ca_.leaf_der, ca_.ca.der, kCrlTestNow)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
  auto stale = CheckCrl(Crl({kCrlTestNow - absl::Hours(48), kCrlTestNow - absl::Hours(24), {}}),
                        ca_.leaf_der, ca_.ca.der, kCrlTestNow);
  ASSERT_TRUE(stale.ok()) << stale.status();
  EXPECT_TRUE(stale->stale);
}

TEST_F(CrlTest, GarbageIsAnErrorNotACrash) {
  EXPECT_EQ(CheckCrl("not a crl", ca_.leaf_der, ca_.ca.der, kCrlTestNow).status().code(),
            absl::StatusCode::kInvalidArgument);
  std::string crl = Crl({kCrlTestNow - absl::Hours(1), kCrlTestNow + absl::Hours(24), {}});
  EXPECT_EQ(CheckCrl(crl.substr(0, crl.size() / 2), ca_.leaf_der, ca_.ca.der, kCrlTestNow)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// A partitioned CRL (RFC 5280 §5.2.5) is believed only about the certificates of the
// distribution point it was fetched from, which its Issuing Distribution Point names.
TEST_F(CrlTest, PartitionedCrlIsBelievedForItsOwnDistributionPointOnly) {
  const fakes::CrlSpec spec = {kCrlTestNow - absl::Hours(1),
                               kCrlTestNow + absl::Hours(24),
                               {{ca_.leaf_der, kCrlTestNow - absl::Hours(2), 1}}};
  absl::StatusOr<std::string> crl =
      fakes::MakePartitionedCrl(ca_.ca, spec, {"http://c.example/part-7.crl"});
  ASSERT_TRUE(crl.ok()) << crl.status();
  auto own = CheckCrl(*crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow, "http://c.example/part-7.crl");
  ASSERT_TRUE(own.ok()) << own.status();
  EXPECT_TRUE(own->revocation.has_value());
  auto other = CheckCrl(*crl, ca_.leaf_der, ca_.ca.der, kCrlTestNow, "http://c.example/part-8.crl");
  EXPECT_EQ(other.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(other.status().message()),
              ::testing::HasSubstr("does not cover \"http://c.example/part-8.crl\""));
  // A full CRL (no IDP) covers every certificate of its issuer, wherever it was fetched.
  const std::string full = Crl(spec);
  EXPECT_TRUE(CheckCrl(full, ca_.leaf_der, ca_.ca.der, kCrlTestNow, "http://x.example/").ok());
}

// A CRL the CA disclosed in CCADB: its full CRL covers the certificate; one of its partitions
// only when its IDP names one of the certificate's own distribution points (none: never).
TEST_F(CrlTest, DisclosedPartitionCoversOnlyThroughTheCertificatesDistributionPoints) {
  const fakes::CrlSpec spec = {kCrlTestNow - absl::Hours(1),
                               kCrlTestNow + absl::Hours(24),
                               {{ca_.leaf_der, kCrlTestNow - absl::Hours(2), 1}}};
  const std::string full = Crl(spec);
  auto from_full = CheckDisclosedCrl(full, ca_.leaf_der, ca_.ca.der, kCrlTestNow, {});
  ASSERT_TRUE(from_full.ok()) << from_full.status();
  EXPECT_TRUE(from_full->revocation.has_value());

  absl::StatusOr<std::string> part =
      fakes::MakePartitionedCrl(ca_.ca, spec, {"http://c.example/part-7.crl"});
  ASSERT_TRUE(part.ok()) << part.status();
  const std::vector<std::string> own = {"http://c.example/part-7.crl"};
  EXPECT_TRUE(CheckDisclosedCrl(*part, ca_.leaf_der, ca_.ca.der, kCrlTestNow, own).ok());
  const std::vector<std::string> other = {"http://c.example/part-8.crl"};
  auto refused = CheckDisclosedCrl(*part, ca_.leaf_der, ca_.ca.der, kCrlTestNow, other);
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  auto no_dp = CheckDisclosedCrl(*part, ca_.leaf_der, ca_.ca.der, kCrlTestNow, {});
  EXPECT_EQ(no_dp.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(no_dp.status().message(), HasSubstr("without a distribution point"));
}

}  // namespace
}  // namespace caawatch::revoke
