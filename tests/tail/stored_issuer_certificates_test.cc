// Tiled logs' issuer certificates kept in a real RocksDB store survive a reopen (a restart), so
// the tailer does not fetch them again.
#include "tail/stored_issuer_certificates.h"

#include <string>
#include <vector>

#include "ctlog/sha256.h"
#include "gtest/gtest.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::tail {
namespace {

using StoredIssuerCertificatesTest = StoreFixture;

TEST_F(StoredIssuerCertificatesTest, AKeptCertificateIsFoundAfterTheStoreIsReopened) {
  const std::vector<uint8_t> der = {0x30, 0x03, 0x02, 0x01, 0x07};
  const ctlog::Sha256Hash fingerprint = ctlog::Sha256(der);
  {
    StoredIssuerCertificates issuers(&store_->findings());
    EXPECT_EQ(issuers.Find(fingerprint), std::nullopt);
    issuers.Keep(fingerprint, der);
  }
  ASSERT_NO_FATAL_FAILURE(Reopen());
  StoredIssuerCertificates issuers(&store_->findings());
  EXPECT_EQ(issuers.Find(fingerprint), der);
  EXPECT_EQ(issuers.Find(ctlog::Sha256(std::vector<uint8_t>{1})), std::nullopt);
}

}  // namespace
}  // namespace caawatch::tail
