#include "ctlog/pem.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

TEST(PemCertificatesTest, ReadsEveryCertificateBlockAndIgnoresSurroundingText) {
  const std::string text =
      "Certificate:\n    Data: (openssl x509 -text dump)\n"
      "-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n"
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
      "-----BEGIN CERTIFICATE-----\r\nMAMC\r\nAQY=\r\n-----END CERTIFICATE-----\r\n";
  const std::vector<std::vector<uint8_t>> certs = PemCertificates(text);
  ASSERT_EQ(certs.size(), 2u);
  EXPECT_EQ(certs[0], (std::vector<uint8_t>{0x30, 0x03, 0x02, 0x01, 0x05}));
  EXPECT_EQ(certs[1], (std::vector<uint8_t>{0x30, 0x03, 0x02, 0x01, 0x06}));
}

TEST(PemCertificatesTest, SkipsHeaderLinesBadBase64AndUnterminatedBlocks) {
  const std::string text =
      "-----BEGIN CERTIFICATE-----\nProc-Type: 4,CRL\n\nMAMCAQU=\n-----END CERTIFICATE-----\n"
      "-----BEGIN CERTIFICATE-----\n!!!!\n-----END CERTIFICATE-----\n"
      "-----BEGIN CERTIFICATE-----\nMAMCAQY=\n";
  const std::vector<std::vector<uint8_t>> certs = PemCertificates(text);
  ASSERT_EQ(certs.size(), 1u);
  EXPECT_EQ(certs[0], (std::vector<uint8_t>{0x30, 0x03, 0x02, 0x01, 0x05}));
}

TEST(CertificatesFromFileBytesTest, TellsDerFromPem) {
  const std::vector<uint8_t> der = {0x30, 0x03, 0x02, 0x01, 0x05};
  EXPECT_FALSE(LooksLikePem(der));
  EXPECT_EQ(CertificatesFromFileBytes(der), std::vector<std::vector<uint8_t>>{der});
  const std::string pem = "-----BEGIN CERTIFICATE-----\nMAMCAQU=\n-----END CERTIFICATE-----\n";
  const std::vector<uint8_t> pem_bytes(pem.begin(), pem.end());
  EXPECT_TRUE(LooksLikePem(pem_bytes));
  EXPECT_EQ(CertificatesFromFileBytes(pem_bytes), std::vector<std::vector<uint8_t>>{der});
  EXPECT_TRUE(CertificatesFromFileBytes({}).empty());
}

}  // namespace
}  // namespace caawatch::ctlog
