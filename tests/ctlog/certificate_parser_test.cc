// Identities read from real certificates: SAN names agree with OpenSSL's own reading across the
// corpus, precertificates link to their final certificates by TBS hash, and real log entries
// decode.
#include "ctlog/certificate_parser.h"

#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <filesystem>

#include "absl/strings/ascii.h"
#include "base/hex.h"
#include "ctlog/leaf.h"
#include "ctlog/merkle.h"
#include "ctlog/pem.h"
#include "nlohmann/json.hpp"
#include "tests/ctlog/corpus.h"

namespace caawatch::ctlog {
namespace {

using testing::ReadCorpus;

CertificateIdentity FirstIn(const std::string& path) {
  auto certs = PemCertificates(ReadCorpus(path));
  EXPECT_FALSE(certs.empty()) << path;
  return certs.empty() ? CertificateIdentity{} : ParseCertificateIdentity(certs[0]);
}

TEST(CertificateParserTest, LetsEncryptPrecertificatesLinkToTheirFinalCertificatesOnly) {
  const auto good_pre = FirstIn("ct/letsencrypt-precert-final-pairs/good-precert.pem");
  const auto good_final = FirstIn("ct/letsencrypt-precert-final-pairs/good-final.pem");
  const auto bad_pre = FirstIn("ct/letsencrypt-precert-final-pairs/bad-precert.pem");
  const auto bad_final = FirstIn("ct/letsencrypt-precert-final-pairs/bad-final.pem");
  EXPECT_TRUE(good_pre.is_precertificate);
  EXPECT_FALSE(good_final.is_precertificate);
  EXPECT_EQ(good_pre.tbs_sha256, good_final.tbs_sha256);
  EXPECT_NE(good_pre.sha256, good_final.sha256);
  EXPECT_NE(bad_pre.tbs_sha256, bad_final.tbs_sha256);  // The duplicate-serial incident pair.
}

TEST(CertificateParserTest, TbsWithoutSctListEqualsCloudflaresGoldenBytes) {
  const auto id = FirstIn("ct/cloudflare-azul/sct-validator/cloudflare-com-cert.pem");
  const std::string golden =
      ReadCorpus("ct/cloudflare-azul/sct-validator/cloudflare-tbs-without-sct.der");
  EXPECT_EQ(id.tbs_sha256, Sha256(golden));
  EXPECT_FALSE(id.dns_names.empty());
}

TEST(CertificateParserTest, GooglePrecertificateAndCertificateFromArgonLink) {
  const auto pre = FirstIn("ct/rfc6962-argon2025/google-com-precert.pem");
  const auto cert = FirstIn("ct/rfc6962-argon2025/google-com-cert.pem");
  EXPECT_EQ(pre.tbs_sha256, cert.tbs_sha256);
  EXPECT_NE(std::find(cert.dns_names.begin(), cert.dns_names.end(), "*.google.com"),
            cert.dns_names.end());
  EXPECT_EQ(cert.issuer_organization, "Google Trust Services");
}

TEST(CertificateParserTest, RealGetEntriesPrecertDecodes) {
  const auto doc = nlohmann::json::parse(
      ReadCorpus("ct/rfc6962-argon2025/argon2025h2-get-entries-precert-google.json"));
  std::string leaf, extra;
  ASSERT_TRUE(absl::Base64Unescape(doc["entries"][0]["leaf_input"].get<std::string>(), &leaf));
  ASSERT_TRUE(absl::Base64Unescape(doc["entries"][0]["extra_data"].get<std::string>(), &extra));
  auto entry = DecodeLogEntry(912557348, RawEntry{testing::Bytes(leaf), testing::Bytes(extra)});
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_EQ(entry->type, EntryType::kPrecert);
  EXPECT_TRUE(entry->decode_error.empty()) << entry->decode_error;
  EXPECT_TRUE(entry->identity.is_precertificate);
  EXPECT_NE(
      std::find(entry->identity.dns_names.begin(), entry->identity.dns_names.end(), "*.google.com"),
      entry->identity.dns_names.end());
  ASSERT_TRUE(entry->issuer.has_value());
  EXPECT_EQ(entry->issuer->common_name, "WR2");
  EXPECT_EQ(entry->leaf_hash, HashLeaf(testing::Bytes(leaf)));
}

TEST(CertificateParserTest, MalformedLeavesAreErrorsOrFlaggedNeverCrashes) {
  EXPECT_EQ(DecodeLogEntry(0, RawEntry{{}, {}}).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(DecodeLogEntry(0, RawEntry{{0, 0, 1, 2}, {}}).status().code(),
            absl::StatusCode::kDataLoss);
  // A well-formed x509 leaf around garbage "certificate" bytes: recorded, flagged.
  std::vector<uint8_t> leaf = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 3, 0x30, 0x01, 0x00, 0, 0};
  auto entry = DecodeLogEntry(5, RawEntry{leaf, {}});
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_FALSE(entry->decode_error.empty());
  for (size_t cut = 0; cut < leaf.size(); ++cut) {
    EXPECT_FALSE(
        DecodeLogEntry(0, RawEntry{std::vector<uint8_t>(leaf.begin(), leaf.begin() + cut), {}})
            .ok());
  }
}

TEST(CertificateParserTest, NulInANameYieldsBothTheWholeNameAndItsPrefix) {
  // google-ct-python holds real certificates with NUL bytes in names.
  int seen = 0;
  for (const auto& file :
       std::filesystem::directory_iterator(testing::CorpusPath("x509/google-ct-python"))) {
    for (const auto& der :
         PemCertificates(ReadCorpus("x509/google-ct-python/" + file.path().filename().string()))) {
      const CertificateIdentity id = ParseCertificateIdentity(der);
      for (const std::string& n : id.dns_names) {
        const size_t nul = n.find("\\0");
        if (nul == std::string::npos) continue;
        ++seen;
        EXPECT_NE(std::find(id.dns_names.begin(), id.dns_names.end(), n.substr(0, nul)),
                  id.dns_names.end())
            << n;
      }
    }
  }
  EXPECT_GT(seen, 0) << "no certificate with a NUL in a SAN name found in the corpus";
}

// For every certificate OpenSSL can read in the corpus, our SAN names equal OpenSSL's
// (lowercased, trailing dot dropped); for the rest, no crash.
TEST(CertificateParserTest, SanNamesAgreeWithOpenSslAcrossTheCorpus) {
  int compared = 0;
  std::vector<std::string> mismatches;
  for (const auto& file :
       std::filesystem::recursive_directory_iterator(testing::CorpusPath("x509"))) {
    if (!file.is_regular_file()) continue;
    const std::string rel =
        std::filesystem::relative(file.path(), testing::CorpusPath("")).string();
    for (const auto& der : PemCertificates(ReadCorpus(rel))) {
      const CertificateIdentity id = ParseCertificateIdentity(der);
      const unsigned char* p = der.data();
      X509* x = d2i_X509(nullptr, &p, static_cast<long>(der.size()));
      if (x == nullptr) continue;
      std::vector<std::string> want;
      bool has_nul = false;
      auto* names =
          static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(x, NID_subject_alt_name, nullptr, nullptr));
      for (int i = 0; names != nullptr && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type != GEN_DNS) continue;
        std::string n(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gn->d.dNSName)),
                      ASN1_STRING_length(gn->d.dNSName));
        if (n.find('\0') != std::string::npos) has_nul = true;  // Covered by the NUL test.
        n = absl::AsciiStrToLower(n);
        while (!n.empty() && n.back() == '.') n.pop_back();
        if (!n.empty() && std::find(want.begin(), want.end(), n) == want.end()) want.push_back(n);
      }
      GENERAL_NAMES_free(names);
      X509_free(x);
      if (has_nul) continue;
      ++compared;
      const std::vector<std::string>& got = id.dns_names;
      if (got != want && mismatches.size() < 20) mismatches.push_back(rel);
    }
  }
  EXPECT_GT(compared, 4000);
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches, e.g. " << mismatches[0];
}

}  // namespace
}  // namespace caawatch::ctlog
