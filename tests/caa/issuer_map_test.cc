#include "caa/issuer_map.h"

#include <openssl/pem.h>
#include <openssl/x509.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::caa {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;

// The embedded table; parsing it takes well under a millisecond, so each test parses its own.
IssuerMap BuiltIn() {
  absl::StatusOr<IssuerMap> map = IssuerMap::BuiltIn();
  EXPECT_TRUE(map.ok()) << map.status();
  return map.ok() ? *std::move(map) : *IssuerMap::FromJson("[]");
}

IssuerFacts Facts(std::string organization, std::string common_name, std::string spki = "",
                  std::string ski = "") {
  return {std::move(organization), std::move(common_name), std::move(spki), std::move(ski)};
}

std::optional<std::string> FirstIdentifier(const IssuerMap& map, const IssuerFacts& facts) {
  std::optional<CaIdentity> identity = map.Lookup(facts);
  if (!identity.has_value() || identity->caa_identifiers.empty()) return std::nullopt;
  return identity->caa_identifiers.front();
}

TEST(IssuerMapTest, BuiltInTableParsesWithEveryEntry) {
  EXPECT_GE(BuiltIn().entries().size(), 50u);
  const IssuerMap map = BuiltIn();
  for (const CaEntry& e : map.entries()) {
    SCOPED_TRACE(e.ca_owner);
    EXPECT_FALSE(e.caa_identifiers.empty());
  }
}

TEST(IssuerMapTest, BuiltInTextIsTheCheckedInJsonByteForByte) {
  std::ifstream in(CAAWATCH_CAA_IDENTIFIERS_JSON_PATH, std::ios::binary);
  ASSERT_TRUE(in.good());
  std::stringstream text;
  text << in.rdbuf();
  EXPECT_EQ(BuiltInIssuerMapJson(), text.str());
}

TEST(IssuerMapTest, MapsMajorIssuersByOrganisation) {
  struct Case {
    IssuerFacts facts;
    const char* identifier;
  };
  const std::vector<Case> kCases = {
      {Facts("Let's Encrypt", "R11"), "letsencrypt.org"},
      {Facts("Let's Encrypt", "E6"), "letsencrypt.org"},
      {Facts("Let's Encrypt", "YE1"), "letsencrypt.org"},
      {Facts("Google Trust Services", "WR2"), "pki.goog"},
      {Facts("Google Trust Services LLC", "GTS CA 1C3"), "pki.goog"},
      {Facts("DigiCert Inc", "DigiCert Global G2 TLS RSA SHA256 2020 CA1"), "digicert.com"},
      {Facts("DigiCert Inc", "RapidSSL TLS RSA CA G1"), "digicert.com"},
      {Facts("Sectigo Limited", "Sectigo Public Server Authentication CA DV R36"), "sectigo.com"},
      {Facts("ZeroSSL", "ZeroSSL RSA Domain Secure Site CA"), "sectigo.com"},
      {Facts("let's encrypt", "R11"), "letsencrypt.org"},  // O= compared case-insensitively.
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.facts.organization + " / " + c.facts.common_name);
    EXPECT_EQ(FirstIdentifier(BuiltIn(), c.facts), c.identifier);
  }
}

TEST(IssuerMapTest, DigiCertIdentityCarriesEveryBrandIdentifier) {
  std::optional<CaIdentity> id = BuiltIn().Lookup(Facts("DigiCert Inc", "GeoTrust TLS RSA CA G1"));
  ASSERT_TRUE(id.has_value());
  EXPECT_THAT(id->caa_identifiers, Contains("geotrust.com"));
  EXPECT_THAT(id->caa_identifiers, Contains("rapidssl.com"));
  EXPECT_THAT(id->ca_owner, HasSubstr("DigiCert"));
}

TEST(IssuerMapTest, KnownIntermediateNameMatchesWhenTheOrganisationMatchesLoosely) {
  EXPECT_EQ(FirstIdentifier(BuiltIn(), Facts("Google Trust Services, LLC", "WR2")), "pki.goog");
  EXPECT_EQ(FirstIdentifier(BuiltIn(),
                            Facts("DigiCert Incorporated", "DigiCert TLS RSA SHA256 2020 CA1")),
            "digicert.com");
}

TEST(IssuerMapTest, UnknownOrganisationMapsToNothing) {
  EXPECT_EQ(BuiltIn().Lookup(Facts("Example Private CA Ltd", "Example Issuing CA 1")),
            std::nullopt);
  EXPECT_EQ(BuiltIn().Lookup(Facts("", "")), std::nullopt);
  // A copied intermediate CN under a foreign O= is not enough.
  EXPECT_EQ(BuiltIn().Lookup(Facts("Evil Corp", "R11")), std::nullopt);
  EXPECT_EQ(BuiltIn().Lookup(Facts("", "R11")), std::nullopt);
}

constexpr const char* kKeyedJson = R"json([
  {"ca_owner": "Alpha CA", "caa_identifiers": ["Alpha.Example"],
   "issuer_organization_names": ["Shared Org"], "spki_sha256_hex": ["AABB"],
   "subject_key_ids_hex": ["0102"]},
  {"ca_owner": "Beta CA", "caa_identifiers": ["beta.example"],
   "issuer_organization_names": ["Beta Org"], "known_intermediate_common_names": ["Beta 1"],
   "spki_sha256_hex": ["ccdd"], "kind": "ignored", "confidence": "high"}
])json";

TEST(IssuerMapTest, CaKeyMatchWinsOverOrganisation) {
  absl::StatusOr<IssuerMap> map = IssuerMap::FromJson(kKeyedJson);
  ASSERT_TRUE(map.ok()) << map.status();
  // O= says Alpha, but the issuing key is Beta's: the key decides.
  EXPECT_EQ(FirstIdentifier(*map, Facts("Shared Org", "x", "CCDD", "")), "beta.example");
  EXPECT_EQ(FirstIdentifier(*map, Facts("Beta Org", "x", "", "0102")), "alpha.example");
  EXPECT_EQ(FirstIdentifier(*map, Facts("Shared Org", "x", "", "")), "alpha.example");
  EXPECT_EQ(FirstIdentifier(*map, Facts("Unknown", "x", "eeff", "0304")), std::nullopt);
}

TEST(IssuerMapTest, FromJsonRejectsMalformedTablesAsInvalidArgument) {
  const char* kCases[] = {
      "not json",
      "{}",
      R"([{"caa_identifiers": ["a.example"]}])",
      R"([{"ca_owner": "", "caa_identifiers": ["a.example"]}])",
      R"([{"ca_owner": "A"}])",
      R"([{"ca_owner": "A", "caa_identifiers": "a.example"}])",
      R"([{"ca_owner": "A", "caa_identifiers": [1]}])",
      R"([{"ca_owner": "A", "caa_identifiers": [], "issuer_organization_names": [null]}])",
      R"([42])",
  };
  for (const char* text : kCases) {
    SCOPED_TRACE(text);
    EXPECT_EQ(IssuerMap::FromJson(text).status().code(), absl::StatusCode::kInvalidArgument);
  }
}

TEST(IssuerMapTest, MergeUnionsSameOwnerAndAppendsNewOnes) {
  absl::StatusOr<IssuerMap> map = IssuerMap::FromJson(kKeyedJson);
  absl::StatusOr<IssuerMap> user = IssuerMap::FromJson(R"([
    {"ca_owner": "alpha ca", "caa_identifiers": ["alpha.example", "alpha-legacy.example"],
     "issuer_organization_names": ["Alpha Two"]},
    {"ca_owner": "Gamma CA", "caa_identifiers": ["gamma.example"],
     "issuer_organization_names": ["Gamma Org"]}])");
  ASSERT_TRUE(map.ok() && user.ok());
  map->Merge(*user);
  EXPECT_EQ(map->entries().size(), 3u);
  std::optional<CaIdentity> alpha = map->Lookup(Facts("Alpha Two", ""));
  ASSERT_TRUE(alpha.has_value());
  EXPECT_EQ(alpha->ca_owner, "Alpha CA");
  EXPECT_EQ(alpha->caa_identifiers,
            (std::vector<std::string>{"alpha.example", "alpha-legacy.example"}));
  EXPECT_EQ(FirstIdentifier(*map, Facts("Gamma Org", "")), "gamma.example");
}

// Real CA certificates disclosed to CCADB (shared corpus, one folder per subject O=): each
// certificate's subject, taken as the issuer of the leaves it signs, must map to its CA.
struct X509Deleter {
  void operator()(X509* x) const { X509_free(x); }
};
struct FileCloser {
  void operator()(FILE* f) const { std::fclose(f); }
};

std::string NameEntry(X509_NAME* name, int nid) {
  char buffer[256] = {};
  const int n = X509_NAME_get_text_by_NID(name, nid, buffer, sizeof(buffer));
  return n > 0 ? std::string(buffer, n) : std::string();
}

TEST(IssuerMapTest, MapsEveryCcadbDisclosedCaCertificateOfTheMajorCas) {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  ASSERT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR not set";
  const std::filesystem::path root =
      std::filesystem::path(shared) / "corpus/x509/ccadb-major-ca-tls";
  ASSERT_TRUE(std::filesystem::is_directory(root)) << root;
  struct Folder {
    const char* name;
    const char* identifier;
  };
  const Folder kFolders[] = {
      {"Let-s-Encrypt", "letsencrypt.org"},
      {"Internet-Security-Research-Group", "letsencrypt.org"},
      {"Google-Trust-Services", "pki.goog"},
      {"Google-Trust-Services-LLC", "pki.goog"},
      {"DigiCert-Inc", "digicert.com"},
      {"Sectigo-Limited", "sectigo.com"},
      {"The-USERTRUST-Network", "sectigo.com"},
      {"ZeroSSL", "sectigo.com"},
      {"GlobalSign-nv-sa", "globalsign.com"},
      {"Amazon", "amazon.com"},
      {"Actalis-S-p-A", "actalis.it"},
      {"Buypass-AS-983163327", "buypass.com"},
      {"Entrust-Inc", "entrust.net"},
      {"IdenTrust", "identrust.com"},
      {"Microsoft-Corporation", "microsoft.com"},
      {"GoDaddy-com-Inc", "godaddy.com"},
      {"Starfield-Technologies-Inc", "starfieldtech.com"},
  };
  const IssuerMap map = BuiltIn();
  int checked = 0;
  for (const Folder& folder : kFolders) {
    const std::filesystem::path dir = root / folder.name;
    ASSERT_TRUE(std::filesystem::is_directory(dir)) << dir;
    for (const auto& file : std::filesystem::directory_iterator(dir)) {
      std::unique_ptr<FILE, FileCloser> f(std::fopen(file.path().c_str(), "r"));
      ASSERT_NE(f, nullptr) << file.path();
      std::unique_ptr<X509, X509Deleter> cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
      ASSERT_NE(cert, nullptr) << file.path();
      X509_NAME* subject = X509_get_subject_name(cert.get());
      const IssuerFacts facts =
          Facts(NameEntry(subject, NID_organizationName), NameEntry(subject, NID_commonName));
      std::optional<CaIdentity> id = map.Lookup(facts);
      ASSERT_TRUE(id.has_value()) << file.path() << " O=" << facts.organization;
      EXPECT_THAT(id->caa_identifiers, Contains(folder.identifier)) << file.path();
      ++checked;
    }
  }
  EXPECT_GT(checked, 900);
}

}  // namespace
}  // namespace caawatch::caa
