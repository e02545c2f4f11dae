// Tiled logs' issuer certificates kept in a real RocksDB store survive a reopen (a restart), so
// the tailer does not fetch them again.
#include "tail/stored_issuer_certificates.h"

#include <unistd.h>

#include <filesystem>
#include <string>

#include "absl/strings/str_cat.h"
#include "ctlog/sha256.h"
#include "gtest/gtest.h"

namespace caawatch::tail {
namespace {

TEST(StoredIssuerCertificatesTest, AKeptCertificateIsFoundAfterTheStoreIsReopened) {
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / absl::StrCat("stored_issuers_", getpid());
  std::filesystem::remove_all(dir);
  const std::vector<uint8_t> der = {0x30, 0x03, 0x02, 0x01, 0x07};
  const ctlog::Sha256Hash fingerprint = ctlog::Sha256(der);
  {
    auto store = store::FindingStore::Open(dir.string());
    ASSERT_TRUE(store.ok()) << store.status();
    StoredIssuerCertificates issuers(store->get());
    EXPECT_EQ(issuers.Find(fingerprint), std::nullopt);
    issuers.Keep(fingerprint, der);
  }
  auto store = store::FindingStore::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status();
  StoredIssuerCertificates issuers(store->get());
  EXPECT_EQ(issuers.Find(fingerprint), der);
  EXPECT_EQ(issuers.Find(ctlog::Sha256(std::vector<uint8_t>{1})), std::nullopt);
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace caawatch::tail
