#include "ctlog/certificate_parser.h"

#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/time/time.h"
#include "base/hex.h"
#include "ctlog/der.h"
#include "ctlog/pem.h"
#include "ctlog/sha256.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/openssl_san.h"

namespace caawatch::ctlog {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using Bytes = std::vector<uint8_t>;

std::string CorpusPath(const std::string& relative) {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  EXPECT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR is not set";
  return absl::StrCat(shared == nullptr ? "" : shared, "/corpus/", relative);
}

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return Bytes(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The first certificate of a corpus file (PEM or DER); fails the test if there is none.
Bytes CorpusCert(const std::string& relative, size_t which = 0) {
  const std::vector<Bytes> certs = CertificatesFromFileBytes(ReadFile(CorpusPath(relative)));
  EXPECT_GT(certs.size(), which) << relative;
  return certs.size() > which ? certs[which] : Bytes{};
}

// ---- The reference: OpenSSL ----

using fakes::OpenSslDnsNames;
using fakes::OpenSslParse;
using fakes::UniqueX509;

std::optional<absl::Time> OpenSslTime(const ASN1_TIME* t) {
  struct tm tm = {};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return std::nullopt;
  return absl::FromCivil(absl::CivilSecond(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                                           tm.tm_min, tm.tm_sec),
                         absl::UTCTimeZone());
}

// The first `nid` attribute of `name` as UTF-8; empty if absent or unconvertible.
std::string OpenSslNameEntry(const X509_NAME* name, int nid) {
  const int index = X509_NAME_get_index_by_NID(name, nid, -1);
  if (index < 0) return "";
  unsigned char* utf8 = nullptr;
  const int length =
      ASN1_STRING_to_UTF8(&utf8, X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, index)));
  if (length < 0) return "";
  std::string out(reinterpret_cast<const char*>(utf8), static_cast<size_t>(length));
  OPENSSL_free(utf8);
  return out;
}

std::string OpenSslSerialHex(X509* x509) {
  const ASN1_INTEGER* serial = X509_get0_serialNumber(x509);
  if (serial->type == V_ASN1_NEG_INTEGER) return "negative";
  std::string hex = HexEncode(absl::MakeConstSpan(serial->data, serial->length));
  return hex.empty() ? "00" : hex;
}

// Compares one certificate with OpenSSL; appends a line per disagreement.
void CompareWithOpenSsl(const std::string& where, const Bytes& der, X509* x509,
                        std::vector<std::string>* mismatches) {
  const CertificateIdentity id = ParseCertificateIdentity(der);
  const std::optional<std::vector<std::string>> names = OpenSslDnsNames(x509);
  if (names.has_value() && *names != id.dns_names) {
    mismatches->push_back(absl::StrCat(where, ": dNSNames openssl [", absl::StrJoin(*names, ","),
                                       "] ours [", absl::StrJoin(id.dns_names, ","), "]"));
  }
  const std::optional<absl::Time> not_after = OpenSslTime(X509_get0_notAfter(x509));
  if (not_after.has_value() && *not_after != id.not_after) {
    mismatches->push_back(absl::StrCat(where, ": notAfter openssl ", FormatRfc3339(*not_after),
                                       " ours ", FormatRfc3339(id.not_after)));
  }
  const X509_NAME* issuer_name = X509_get_issuer_name(x509);
  if (OpenSslNameEntry(issuer_name, NID_organizationName) != id.issuer_organization ||
      OpenSslNameEntry(issuer_name, NID_commonName) != id.issuer_common_name) {
    mismatches->push_back(absl::StrCat(where, ": issuer O/CN openssl [",
                                       OpenSslNameEntry(issuer_name, NID_organizationName), "/",
                                       OpenSslNameEntry(issuer_name, NID_commonName), "] ours [",
                                       id.issuer_organization, "/", id.issuer_common_name, "]"));
  }
  const std::string serial = OpenSslSerialHex(x509);
  if (serial != "negative" && serial != id.serial_hex) {
    mismatches->push_back(
        absl::StrCat(where, ": serial openssl ", serial, " ours ", id.serial_hex));
  }
  const bool poison = X509_get_ext_by_NID(x509, NID_ct_precert_poison, -1) >= 0;
  if (poison != id.is_precertificate) mismatches->push_back(where + ": poison differs");
  unsigned char* spki = nullptr;
  const int spki_len = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(x509), &spki);
  absl::StatusOr<IssuerIdentity> issuer = ParseIssuerIdentity(der);
  if (spki_len > 0 &&
      (!issuer.ok() || issuer->spki_sha256 != Sha256(absl::MakeConstSpan(spki, spki_len)))) {
    mismatches->push_back(where + ": SPKI hash differs");
  }
  OPENSSL_free(spki);
}

// Where we differ from OpenSSL on purpose.
bool DivergesByDesign(const std::string& where) {
  static constexpr const char* kFiles[] = {
      // BER indefinite lengths: OpenSSL accepts them, our DER walker refuses (parse_error set).
      "google-ct-python/asn1_indefinite_length_encoding.pem#0",
      // GeneralizedTime with neither Z nor offset: a local time; OpenSSL assumes UTC, we refuse.
      "zlint/generalizedNotZulu.pem#0",
  };
  return std::find(std::begin(kFiles), std::end(kFiles), where) != std::end(kFiles);
}

TEST(CertificateParserCorpusTest, AgreesWithOpenSslOnEveryCorpusCertificate) {
  const std::filesystem::path root = CorpusPath("x509");
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
  std::vector<std::string> mismatches;
  int compared = 0, refused_by_openssl = 0;
  for (const auto& file : std::filesystem::recursive_directory_iterator(root)) {
    const std::string ext = file.path().extension().string();
    if (!file.is_regular_file() ||
        (ext != ".pem" && ext != ".der" && ext != ".crt" && ext != ".cert")) {
      continue;
    }
    const std::vector<Bytes> certs = CertificatesFromFileBytes(ReadFile(file.path().string()));
    for (size_t i = 0; i < certs.size(); ++i) {
      const std::string where = absl::StrCat(file.path().lexically_relative(root).string(), "#", i);
      UniqueX509 x509 = OpenSslParse(certs[i]);
      if (x509 == nullptr) {  // OpenSSL refuses it: we must still not crash.
        ++refused_by_openssl;
        (void)ParseCertificateIdentity(certs[i]);
        (void)ParseIssuerIdentity(certs[i]);
        continue;
      }
      if (DivergesByDesign(where)) continue;
      ++compared;
      CompareWithOpenSsl(where, certs[i], x509.get(), &mismatches);
    }
  }
  EXPECT_GT(compared, 4000);
  EXPECT_GT(refused_by_openssl, 0);
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches:\n"
                                  << absl::StrJoin(mismatches.begin(),
                                                   mismatches.begin() +
                                                       std::min<size_t>(mismatches.size(), 40),
                                                   "\n");
}

// The tailing path reads only the names of an entry and fully parses only those that match, so
// a name the quick read misses or invents would be a missed or a false finding.
TEST(CertificateParserCorpusTest, QuickNameReadAgreesWithTheFullParseOnEveryCorpusCertificate) {
  const std::filesystem::path root = CorpusPath("x509");
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
  std::vector<std::string> mismatches;
  int compared = 0, with_errors = 0;
  for (const auto& file : std::filesystem::recursive_directory_iterator(root)) {
    if (!file.is_regular_file()) continue;
    const std::vector<Bytes> certs = CertificatesFromFileBytes(ReadFile(file.path().string()));
    for (size_t i = 0; i < certs.size(); ++i) {
      const std::string where = absl::StrCat(file.path().lexically_relative(root).string(), "#", i);
      // Whole, and cut short inside the TBS (damaged entries must keep their readable names).
      for (const size_t cut : {certs[i].size(), certs[i].size() / 2, certs[i].size() * 3 / 4}) {
        const Bytes der(certs[i].begin(), certs[i].begin() + cut);
        const CertificateIdentity full = ParseCertificateIdentity(der);
        if (!full.parse_error.empty()) ++with_errors;
        ++compared;
        const CertificateNames read = ReadMatchNames(der);
        const std::vector<std::string> quick = read.ToStrings();
        if (quick != MatchNames(full)) {
          mismatches.push_back(absl::StrCat(where, " (", cut, " bytes): quick [",
                                            absl::StrJoin(quick, ","), "] full [",
                                            absl::StrJoin(MatchNames(full), ","), "]"));
        }
        // Tailing skips an entry that matches nothing only when its name list is complete: a
        // certificate without a TBS hash must never pass for one.
        if (!full.tbs_error.empty() && read.complete()) {
          mismatches.push_back(absl::StrCat(where, " (", cut, " bytes): no TBS hash (",
                                            full.tbs_error, ") but the names read as complete"));
        }
        if (full.tbs_error.empty() != (full.tbs_sha256 != Sha256Hash{})) {
          mismatches.push_back(absl::StrCat(where, " (", cut, " bytes): tbs_error '",
                                            full.tbs_error, "' disagrees with tbs_sha256"));
        }
      }
    }
  }
  EXPECT_GT(compared, 12000);
  EXPECT_GT(with_errors, 4000);
  EXPECT_TRUE(mismatches.empty()) << mismatches.size() << " mismatches:\n"
                                  << absl::StrJoin(mismatches.begin(),
                                                   mismatches.begin() +
                                                       std::min<size_t>(mismatches.size(), 40),
                                                   "\n");
}

TEST(CertificateParserTest, MatchNamesAreTheSanNamesThenTheOtherCommonNames) {
  CertificateIdentity id;
  id.dns_names = {"b.example", "a.example"};
  id.common_names = {"a.example", "c.example"};
  EXPECT_THAT(MatchNames(id), ElementsAre("b.example", "a.example", "c.example"));
}

// Repeats (in any case, with or without the root dot) are dropped, each name kept where it
// first appears, in the few-names path and in the hashed one for long SAN lists; the quick
// name read agrees.
TEST(CertificateParserTest, RepeatedNamesAreKeptOnceInFirstOccurrenceOrder) {
  fakes::CertificateFactory factory(3);
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  auto root = factory.MakeRoot({"Test", "Root"}, now - absl::Hours(24), now + absl::Hours(24));
  ASSERT_TRUE(root.ok()) << root.status();
  for (const int distinct : {3, 16, 17, 300}) {
    SCOPED_TRACE(distinct);
    fakes::LeafSpec spec;
    spec.not_before = now - absl::Hours(1);
    spec.not_after = now + absl::Hours(1);
    std::vector<std::string> want;
    for (int i = 0; i < distinct; ++i) {
      want.push_back(absl::StrCat("n", i, ".example.test"));
      spec.dns_names.push_back(want.back());
      if (i % 2 == 1) spec.dns_names.push_back(absl::StrCat("N", i - 1, ".Example.TEST."));
      if (i % 3 == 2) spec.dns_names.push_back(want.front());
    }
    spec.common_name = want[distinct / 2];  // Also a SAN: not added again.
    auto der = factory.MakeLeaf(*root, spec);
    ASSERT_TRUE(der.ok()) << der.status();
    const CertificateIdentity id = ParseCertificateIdentity(*der);
    EXPECT_EQ(id.dns_names, want);
    EXPECT_EQ(MatchNames(id), want);
    EXPECT_EQ(ReadMatchNames(*der).ToStrings(), want);
  }
}

// ---- CT linking: precertificate and final certificate share tbs_sha256 ----

TEST(CertificateParserTest, LetsEncryptPrecertAndFinalCertificateLinkByTbsHash) {
  const CertificateIdentity precert =
      ParseCertificateIdentity(CorpusCert("ct/letsencrypt-precert-final-pairs/good-precert.pem"));
  const CertificateIdentity final_cert =
      ParseCertificateIdentity(CorpusCert("ct/letsencrypt-precert-final-pairs/good-final.pem"));
  EXPECT_TRUE(precert.is_precertificate);
  EXPECT_FALSE(final_cert.is_precertificate);
  EXPECT_EQ(precert.parse_error, "");
  EXPECT_EQ(final_cert.parse_error, "");
  EXPECT_EQ(precert.tbs_sha256, final_cert.tbs_sha256);
  EXPECT_NE(precert.tbs_sha256, Sha256Hash{});
  EXPECT_NE(precert.sha256, final_cert.sha256);
}

TEST(CertificateParserTest, DuplicateSerialIncidentPairDoesNotLink) {
  const CertificateIdentity precert =
      ParseCertificateIdentity(CorpusCert("ct/letsencrypt-precert-final-pairs/bad-precert.pem"));
  const CertificateIdentity final_cert =
      ParseCertificateIdentity(CorpusCert("ct/letsencrypt-precert-final-pairs/bad-final.pem"));
  EXPECT_TRUE(precert.is_precertificate);
  EXPECT_EQ(precert.serial_hex, final_cert.serial_hex);
  EXPECT_NE(precert.tbs_sha256, final_cert.tbs_sha256);
}

TEST(CertificateParserTest, StrippedTbsEqualsCloudflareGolden) {
  const Bytes golden =
      ReadFile(CorpusPath("ct/cloudflare-azul/sct-validator/cloudflare-tbs-without-sct.der"));
  ASSERT_FALSE(golden.empty());
  absl::StatusOr<Bytes> tbs = TbsWithoutCtExtensions(
      CorpusCert("ct/cloudflare-azul/sct-validator/cloudflare-com-cert.pem"));
  ASSERT_TRUE(tbs.ok()) << tbs.status();
  EXPECT_EQ(HexEncode(*tbs), HexEncode(golden));
}

TEST(CertificateParserTest, StrippedTbsEqualsPycaPrecertTbs) {
  const Bytes golden = ReadFile(CorpusPath("x509/pyca/cryptography-scts-tbs-precert.der"));
  ASSERT_FALSE(golden.empty());
  absl::StatusOr<Bytes> tbs = TbsWithoutCtExtensions(CorpusCert("x509/pyca/cryptography-scts.pem"));
  ASSERT_TRUE(tbs.ok()) << tbs.status();
  EXPECT_EQ(HexEncode(*tbs), HexEncode(golden));
}

TEST(CertificateParserTest, StrippingTheOnlyExtensionDropsTheExtensionsWrapper) {
  const Bytes head = {0xa0, 0x03, 0x02, 0x01, 0x02, 0x02, 0x01, 0x01, 0x30,
                      0x00, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00, 0x30, 0x00};
  const Bytes poison = {0x30, 0x13, 0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79,
                        0x02, 0x04, 0x03, 0x01, 0x01, 0xff, 0x04, 0x02, 0x05, 0x00};
  Bytes tbs = {0x30, static_cast<uint8_t>(head.size() + 4 + poison.size())};
  tbs.insert(tbs.end(), head.begin(), head.end());
  tbs.insert(tbs.end(), {0xa3, static_cast<uint8_t>(poison.size() + 2), 0x30,
                         static_cast<uint8_t>(poison.size())});
  tbs.insert(tbs.end(), poison.begin(), poison.end());
  Bytes expected = {0x30, static_cast<uint8_t>(head.size())};
  expected.insert(expected.end(), head.begin(), head.end());

  absl::StatusOr<Bytes> stripped = TbsWithoutCtExtensions(tbs);
  ASSERT_TRUE(stripped.ok()) << stripped.status();
  EXPECT_EQ(HexEncode(*stripped), HexEncode(expected));
  const CertificateIdentity id = ParseTbsCertificateIdentity(tbs);
  EXPECT_TRUE(id.is_precertificate);
  EXPECT_EQ(id.serial_hex, "01");
  EXPECT_EQ(id.tbs_sha256, Sha256(expected));
}

TEST(CertificateParserTest, GoogleComPrecertAndCertificateAgree) {
  const CertificateIdentity precert =
      ParseCertificateIdentity(CorpusCert("ct/rfc6962-argon2025/google-com-precert.pem"));
  const CertificateIdentity cert =
      ParseCertificateIdentity(CorpusCert("ct/rfc6962-argon2025/google-com-cert.pem"));
  EXPECT_TRUE(precert.is_precertificate);
  EXPECT_EQ(precert.tbs_sha256, cert.tbs_sha256);
  EXPECT_EQ(precert.dns_names, cert.dns_names);
  EXPECT_THAT(cert.dns_names, Contains("*.google.com"));
  EXPECT_THAT(cert.common_names, ElementsAre("*.google.com"));
  EXPECT_EQ(cert.issuer_dn, "C=US, O=Google Trust Services, CN=WR2");
  EXPECT_EQ(cert.issuer_organization, "Google Trust Services");
  EXPECT_EQ(cert.issuer_common_name, "WR2");
  EXPECT_EQ(cert.subject_dn, "CN=*.google.com");
  EXPECT_EQ(cert.serial_hex, "133392502140a8cf12801da61896855e");
  EXPECT_EQ(cert.not_before,
            absl::FromCivil(absl::CivilSecond(2025, 6, 2, 8, 35, 30), absl::UTCTimeZone()));
  EXPECT_EQ(cert.authority_key_id.size(), 20u);
  EXPECT_EQ(cert.parse_error, "");
}

// ---- Real-world oddities (google-ct-python, boringssl, pyca) ----

TEST(CertificateParserTest, NameWithEmbeddedNulYieldsEscapedWholeNameAndPrefix) {
  const CertificateIdentity id =
      ParseCertificateIdentity(CorpusCert("x509/google-ct-python/null_chars.pem"));
  EXPECT_THAT(id.dns_names, Contains("altnull.python.org\\000example.com"));
  EXPECT_THAT(id.dns_names, Contains("altnull.python.org"));
  for (const std::string& name : id.dns_names) EXPECT_EQ(name.find('\0'), std::string::npos);
  for (const std::string& name : id.common_names) EXPECT_EQ(name.find('\0'), std::string::npos);
  EXPECT_THAT(id.common_names, Contains("null.python.org"));
}

TEST(CertificateParserTest, EverySubjectCommonNameIsReportedInOrder) {
  const CertificateIdentity id =
      ParseCertificateIdentity(CorpusCert("x509/google-ct-python/multiple_cn.pem"));
  EXPECT_THAT(id.common_names, ElementsAre("www.rd.io", "rdio.com", "rd.io", "api.rdio.com",
                                           "api.rd.io", "www.rdio.com"));
  EXPECT_THAT(id.subject_dn, HasSubstr("O=Rdio\\, Inc."));
  EXPECT_EQ(id.issuer_organization, "COMODO CA Limited");
}

TEST(CertificateParserTest, IpAddressOfBadLengthIsSkippedAndReported) {
  const CertificateIdentity id =
      ParseCertificateIdentity(CorpusCert("x509/google-ct-python/invalid_ip.pem"));
  EXPECT_TRUE(id.ip_addresses.empty());
  EXPECT_THAT(id.parse_error, HasSubstr("iPAddress"));
  EXPECT_THAT(id.common_names, ElementsAre("www.valu.va.gov"));
}

TEST(CertificateParserTest, BadUtf8SubjectStillYieldsTheOtherFields) {
  const CertificateIdentity id =
      ParseCertificateIdentity(CorpusCert("x509/google-ct-python/cert_bad_utf8_subject.pem"));
  EXPECT_FALSE(id.issuer_dn.empty());
  EXPECT_FALSE(id.serial_hex.empty());
  EXPECT_NE(id.not_after, absl::InfinitePast());
}

TEST(CertificateParserTest, Utf8CommonNameIsConvertedAndOnlyAsciiIsLowercased) {
  const CertificateIdentity id =
      ParseCertificateIdentity(CorpusCert("x509/google-ct-python/cn_utf8.pem"));
  ASSERT_EQ(id.common_names.size(), 1u);
  EXPECT_EQ(id.common_names[0],
            "\xc3\xb1"
            "eco "
            "\xc3\xb1\xc3\xbd\xc3\xa1\xc4\x9b\xc5\xa1\xc5\xbe\xc4\x9b\xc5\xa1\xc5\xbe\xc5\x99\xc4"
            "\x9b\xc4\x8d\xc3\xad\xc4\x9b+"
            "\xc5\xa1\xc4\x8d\xc3\xbd\xc3\xa1\xc3\xad\xc3\xa9\xc5\x99\xc3\xa1\xc3\xad\xc3\x9a");
}

// A CN written with U-labels is matched and looked up like the dNSNames beside it: UTS #46
// folds an upper-case non-ASCII letter and a full-width dot before the A-label encoding. A CN
// that is no host name stays the text it is.
TEST(CertificateParserTest, UnicodeCommonNameIsMappedByUts46ToALabels) {
  fakes::CertificateFactory factory(5);
  const absl::Time now = absl::FromUnixSeconds(1'800'000'000);
  auto root = factory.MakeRoot({"Test", "Root"}, now - absl::Hours(24), now + absl::Hours(24));
  ASSERT_TRUE(root.ok()) << root.status();
  const struct {
    std::string cn;
    std::string want;
  } cases[] = {
      {"B\xc3\x9c"
       "CHER.example",
       "xn--bcher-kva.example"},  // "BÜCHER.example"
      {"b\xc3\xbc"
       "cher\xef\xbc\x8e"
       "example",
       "xn--bcher-kva.example"},  // full-width dot
      {"Stra\xc3\x9f"
       "e GmbH",
       "stra\xc3\x9f"
       "e gmbh"},  // no host name
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.want);
    fakes::LeafSpec spec;
    spec.common_name = c.cn;
    spec.not_before = now - absl::Hours(1);
    spec.not_after = now + absl::Hours(1);
    auto der = factory.MakeLeaf(*root, spec);
    ASSERT_TRUE(der.ok()) << der.status();
    EXPECT_THAT(ParseCertificateIdentity(*der).common_names, ElementsAre(c.want));
  }
}

TEST(CertificateParserTest, Utf8DnsNamesAreKeptAsBytes) {
  const CertificateIdentity id = ParseCertificateIdentity(CorpusCert("x509/pyca/utf8-dnsname.pem"));
  EXPECT_THAT(id.dns_names, Contains("biztos\xc3\xadt\xc3\xa1s.hu"));
  EXPECT_THAT(id.dns_names, Contains("*.xn--biztosts-fza2j.hu"));
}

TEST(CertificateParserTest, ReadsCertificatesWithManyNames) {
  for (const char* file : {"x509/boringssl/many_names1.pem", "x509/boringssl/many_names2.pem",
                           "x509/boringssl/many_names3.pem"}) {
    SCOPED_TRACE(file);
    const Bytes der = CorpusCert(file);
    const CertificateIdentity id = ParseCertificateIdentity(der);
    UniqueX509 x509 = OpenSslParse(der);
    ASSERT_NE(x509, nullptr);
    EXPECT_EQ(OpenSslDnsNames(x509.get()), id.dns_names);
  }
  EXPECT_GT(ParseCertificateIdentity(CorpusCert("x509/boringssl/many_names1.pem")).dns_names.size(),
            100u);
}

TEST(CertificateParserTest, MalformedSubjectAltNameIsFlaggedAndTheCommonNameStillRead) {
  struct Case {
    const char* file;
    const char* common_name;
  };
  for (const Case& c :
       {Case{"x509/boringssl/invalid_extension_leaf_subject_alt_name.pem", "www.example.com"},
        Case{"x509/boringssl/invalid_extension_intermediate_subject_alt_name.pem",
             "invalid extensions intermediate"},
        Case{"x509/boringssl/invalid_extension_root_subject_alt_name.pem",
             "invalid extensions root"}}) {
    SCOPED_TRACE(c.file);
    const Bytes der = CorpusCert(c.file);
    const CertificateIdentity id = ParseCertificateIdentity(der);
    EXPECT_THAT(id.parse_error, HasSubstr("subjectAltName"));
    EXPECT_TRUE(id.dns_names.empty());
    EXPECT_THAT(id.common_names, ElementsAre(c.common_name));
    EXPECT_FALSE(id.serial_hex.empty());
    UniqueX509 x509 = OpenSslParse(der);  // OpenSSL reads the certificate, not its SAN.
    ASSERT_NE(x509, nullptr);
    EXPECT_EQ(OpenSslDnsNames(x509.get()), std::nullopt);
  }
}

TEST(CertificateParserTest, CertificateOpenSslRefusesStillYieldsItsNames) {
  // A non-minimal INTEGER serial: not DER, so OpenSSL refuses the whole certificate.
  const Bytes der = CorpusCert("x509/ct-go-invalid/xf-der-invalid-nonminimal-int.pem");
  EXPECT_EQ(OpenSslParse(der), nullptr);
  const CertificateIdentity id = ParseCertificateIdentity(der);
  EXPECT_THAT(id.common_names, ElementsAre("*.google.com"));
  EXPECT_THAT(id.subject_dn, HasSubstr("O=Google Inc"));
  EXPECT_FALSE(id.issuer_dn.empty());
}

TEST(CertificateParserTest, NonPrintableCharacterInPrintableStringIsKept) {
  const CertificateIdentity id =
      ParseCertificateIdentity(CorpusCert("x509/ct-go-invalid/xf-subject-nonprintable.pem"));
  EXPECT_THAT(id.subject_dn, HasSubstr("The @ character is not valid in a PrintableString"));
  EXPECT_THAT(id.common_names, ElementsAre("*.google.com"));
}

TEST(CertificateParserTest, IndefiniteLengthCertificateIsReportedNotTrusted) {
  const CertificateIdentity id = ParseCertificateIdentity(
      CorpusCert("x509/google-ct-python/asn1_indefinite_length_encoding.pem"));
  EXPECT_FALSE(id.parse_error.empty());
  EXPECT_EQ(id.tbs_sha256, Sha256Hash{});
  EXPECT_FALSE(id.tbs_error.empty());  // A zero hash says nothing; tbs_error says it is none.
}

TEST(CertificateParserTest, VersionOneCertificateWithoutExtensionsParsesCleanly) {
  const CertificateIdentity id =
      ParseCertificateIdentity(CorpusCert("x509/google-ct-python/v1_cert.pem"));
  EXPECT_EQ(id.parse_error, "");
  EXPECT_EQ(id.serial_hex, "70bae41d10d92934b638ca7b03ccbabf");
  EXPECT_EQ(id.issuer_dn,
            "C=US, O=VeriSign\\, Inc., OU=Class 3 Public Primary Certification Authority");
  EXPECT_TRUE(id.dns_names.empty());
}

TEST(CertificateParserTest, TruncatedCertificateKeepsTheFieldsBeforeTheCut) {
  const Bytes der = CorpusCert("ct/rfc6962-argon2025/google-com-cert.pem");
  const CertificateIdentity whole = ParseCertificateIdentity(der);
  const CertificateIdentity cut =
      ParseCertificateIdentity(absl::MakeConstSpan(der).subspan(0, 400));
  EXPECT_FALSE(cut.parse_error.empty());
  EXPECT_EQ(cut.serial_hex, whole.serial_hex);
  EXPECT_EQ(cut.issuer_dn, whole.issuer_dn);
  EXPECT_EQ(cut.subject_dn, whole.subject_dn);
  EXPECT_EQ(cut.tbs_sha256, Sha256Hash{});
  EXPECT_THAT(cut.tbs_error, HasSubstr("TBSCertificate"));
  EXPECT_TRUE(whole.tbs_error.empty()) << whole.tbs_error;
  // The quick name read keeps the CN before the cut and says the list may lack names.
  const CertificateNames quick = ReadMatchNames(absl::MakeConstSpan(der).subspan(0, 400));
  EXPECT_FALSE(quick.complete());
  EXPECT_EQ(quick.ToStrings(), MatchNames(cut));
  EXPECT_TRUE(ReadMatchNames(der).complete());
  DerReader outer(der);
  DerElement cert, tbs;
  ASSERT_TRUE(outer.ReadExpected(kDerSequence, &cert) &&
              outer.Enter(cert).ReadExpected(kDerSequence, &tbs));
  const size_t tbs_end = tbs.whole.data() + tbs.whole.size() - der.data();
  for (size_t n = 0; n < tbs_end; n += 7) {  // Every cut inside the TBS: no crash, an error.
    const CertificateIdentity id = ParseCertificateIdentity(absl::MakeConstSpan(der).subspan(0, n));
    EXPECT_FALSE(id.parse_error.empty()) << n;
  }
}

TEST(CertificateParserTest, BareTbsGivesTheSameIdentityAsItsCertificate) {
  const Bytes der = CorpusCert("ct/rfc6962-argon2025/google-com-precert.pem");
  absl::StatusOr<Bytes> tbs = TbsWithoutCtExtensions(der);
  ASSERT_TRUE(tbs.ok());
  const CertificateIdentity from_cert = ParseCertificateIdentity(der);
  const CertificateIdentity from_tbs = ParseTbsCertificateIdentity(*tbs);
  EXPECT_EQ(from_tbs.dns_names, from_cert.dns_names);
  EXPECT_EQ(from_tbs.issuer_dn, from_cert.issuer_dn);
  EXPECT_EQ(from_tbs.tbs_sha256, from_cert.tbs_sha256);
  EXPECT_FALSE(from_tbs.is_precertificate);  // The poison is gone from the logged TBS.
  EXPECT_EQ(from_tbs.sha256, Sha256Hash{});
}

TEST(ParseIssuerIdentityTest, ReadsGoogleWr2) {
  const Bytes der = CorpusCert("ct/rfc6962-argon2025/google-com-chain.pem", 1);
  absl::StatusOr<IssuerIdentity> issuer = ParseIssuerIdentity(der);
  ASSERT_TRUE(issuer.ok()) << issuer.status();
  EXPECT_EQ(issuer->common_name, "WR2");
  EXPECT_EQ(issuer->organization, "Google Trust Services");
  EXPECT_EQ(issuer->subject_dn, "C=US, O=Google Trust Services, CN=WR2");
  EXPECT_FALSE(issuer->is_precert_signing_cert);
  EXPECT_EQ(issuer->sha256, Sha256(der));
  // The leaf's AKI names this CA's SKI.
  const CertificateIdentity leaf =
      ParseCertificateIdentity(CorpusCert("ct/rfc6962-argon2025/google-com-cert.pem"));
  EXPECT_EQ(issuer->subject_key_id, leaf.authority_key_id);
}

TEST(ParseIssuerIdentityTest, RejectsGarbage) {
  EXPECT_EQ(ParseIssuerIdentity(Bytes{0x30, 0x03, 0x02, 0x01, 0x01}).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseIssuerIdentity(Bytes{}).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace caawatch::ctlog
