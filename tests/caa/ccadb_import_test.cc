#include "caa/ccadb_import.h"

#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "caa/issuer_map.h"
#include "caa/issuer_store.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/corpus_file.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::caa {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

using testing::ReadCorpus;

IssuerMap Map(absl::string_view json) {
  absl::StatusOr<IssuerMap> map = IssuerMap::FromJson(json);
  EXPECT_TRUE(map.ok()) << map.status();
  return map.ok() ? *std::move(map) : *IssuerMap::FromJson("[]");
}

const CaEntry* EntryOf(const IssuerMap& map, absl::string_view owner) {
  for (const CaEntry& e : map.entries()) {
    if (e.ca_owner == owner) return &e;
  }
  return nullptr;
}

// The columns of AllCAAIdentifiersReportCSVV2 in the order the report lists them.
constexpr char kCaaReport[] =
    "Subject,Subject Key Identifier (Hex),Intermediate Certificate,Recognized CAA Domains\r\n"
    "\"CN=Example TLS CA 1; O=Example Trust, Inc.; C=US\",AB:CD:EF:01,Example TLS CA 1,"
    "\"example-ca.com, Example-CA.net.\"\r\n"
    "\"CN=Example TLS CA 2; O=Example Trust, Inc.; C=US\",1234,Example TLS CA 2,"
    "\"example-ca.com\nexample-ca.org\"\r\n";

// The same rows with the columns in another order.
constexpr char kCaaReportReordered[] =
    "Recognized CAA Domains,Intermediate Certificate,Subject,Subject Key Identifier (Hex)\n"
    "\"example-ca.com, Example-CA.net.\",Example TLS CA 1,"
    "\"CN=Example TLS CA 1; O=Example Trust, Inc.; C=US\",abcdef01\n"
    "\"example-ca.com\nexample-ca.org\",Example TLS CA 2,"
    "\"CN=Example TLS CA 2; O=Example Trust, Inc.; C=US\",1234";

TEST(CcadbImportTest, CaaIdentifiersReportBecomesOneEntryPerOwner) {
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(kCaaReport, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->source, ImportSource::kCaaIdentifiersReport);
  EXPECT_EQ(result->rows_read, 2u);
  EXPECT_THAT(result->rejections, IsEmpty());
  ASSERT_EQ(result->map.entries().size(), 1u);
  const CaEntry& entry = result->map.entries()[0];
  EXPECT_EQ(entry.ca_owner, "Example Trust, Inc.");
  EXPECT_THAT(entry.caa_identifiers,
              ElementsAre("example-ca.com", "example-ca.net", "example-ca.org"));
  EXPECT_THAT(entry.issuer_organization_names, ElementsAre("Example Trust, Inc."));
  EXPECT_THAT(entry.known_intermediate_common_names,
              ElementsAre("Example TLS CA 1", "Example TLS CA 2"));
  EXPECT_THAT(entry.subject_key_ids_hex, ElementsAre("abcdef01", "1234"));
  EXPECT_EQ(result->IdentifierCount(), 3u);
}

TEST(CcadbImportTest, ColumnOrderDoesNotChangeTheImport) {
  absl::StatusOr<ImportResult> a = ImportCcadbCsv(kCaaReport, {});
  absl::StatusOr<ImportResult> b = ImportCcadbCsv(kCaaReportReordered, {});
  ASSERT_TRUE(a.ok()) << a.status();
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(IssuerMapJson(a->map.entries()), IssuerMapJson(b->map.entries()));
}

TEST(CcadbImportTest, ImportedKeysFindTheCaBeforeAnyName) {
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(kCaaReport, {});
  ASSERT_TRUE(result.ok()) << result.status();
  std::optional<CaIdentity> identity = result->map.Lookup({"Someone Else", "X", "", "ABCDEF01"});
  ASSERT_TRUE(identity.has_value());
  EXPECT_EQ(identity->ca_owner, "Example Trust, Inc.");
}

TEST(CcadbImportTest, BadIdentifiersAreReportedWithTheirLineAndTheRestKept) {
  const std::string csv =
      "Subject,Recognized CAA Domains\n"
      "\"CN=A; O=Alpha CA\",\"alpha.example, N/A, see CPS\"\n"
      "\"CN=B; O=Beta CA\",None\n"
      "\"CN=C; O=Gamma CA\",\"-bad.example,good.example,under_score.example,x.\"\n";
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(csv, {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->map.entries().size(), 2u);
  EXPECT_THAT(EntryOf(result->map, "Alpha CA")->caa_identifiers, ElementsAre("alpha.example"));
  EXPECT_THAT(EntryOf(result->map, "Gamma CA")->caa_identifiers, ElementsAre("good.example"));
  EXPECT_EQ(EntryOf(result->map, "Beta CA"), nullptr);
  EXPECT_THAT(result->rejections,
              Contains(AllOf(Field(&ImportRejection::line, 2u),
                             Field(&ImportRejection::reason, HasSubstr("'N/A', 'see', 'CPS'")))));
  EXPECT_THAT(result->rejections,
              Contains(AllOf(Field(&ImportRejection::line, 3u),
                             Field(&ImportRejection::reason, HasSubstr("'None'")))));
  EXPECT_THAT(result->rejections,
              Contains(AllOf(Field(&ImportRejection::line, 3u),
                             Field(&ImportRejection::reason, HasSubstr("row skipped")))));
  EXPECT_THAT(result->rejections,
              Contains(AllOf(Field(&ImportRejection::line, 4u),
                             Field(&ImportRejection::reason,
                                   HasSubstr("'-bad.example', 'under_score.example', 'x.'")))));
}

TEST(CcadbImportTest, RowsWithoutAnOwnerAreReported) {
  absl::StatusOr<ImportResult> result =
      ImportCcadbCsv("Subject,Recognized CAA Domains\nCN=No Org CA,a.example\n", {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->map.entries(), IsEmpty());
  EXPECT_THAT(result->rejections, ElementsAre(Field(&ImportRejection::line, 2u)));
}

TEST(CcadbImportTest, AnOwnerColumnWinsOverTheSubjectOrganisation) {
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(
      "CA Owner,Recognized CAA Domains,Subject\nAcme Group,acme.example,\"CN=A; O=Acme Sub\"\n",
      {});
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->map.entries().size(), 1u);
  EXPECT_EQ(result->map.entries()[0].ca_owner, "Acme Group");
  EXPECT_THAT(result->map.entries()[0].issuer_organization_names, ElementsAre("Acme Sub"));
}

TEST(CcadbImportTest, RowsOfAKnownIssuerOrganisationJoinThatOwner) {
  absl::StatusOr<IssuerMap> built_in = IssuerMap::BuiltIn();
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  ImportOptions options;
  options.known = &*built_in;
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(
      "Subject,Recognized CAA Domains\n\"CN=YR9; O=Let's Encrypt; C=US\",letsencrypt.org\n",
      options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->map.entries().size(), 1u);
  EXPECT_EQ(result->map.entries()[0].ca_owner, "Internet Security Research Group (Let's Encrypt)");
}

TEST(CcadbImportTest, CsvSyntaxErrorsKeepTheirLineNumber) {
  absl::StatusOr<ImportResult> result =
      ImportCcadbCsv("Subject,Recognized CAA Domains\n\"O=A\",a.example\n\"O=B\"\n", {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("line 3"));
}

TEST(CcadbImportTest, ReportsWithNeitherCaaNorKeyColumnsAreRefused) {
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(
      ReadCorpus("ccadb/ccadb-utils-samples/IncludedCACertificateReportPEMCSV.test.csv"), {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(result.status().message(), HasSubstr("Recognized CAA Domains"));
}

TEST(CcadbImportTest, RealCertificateRecordsReportOfAnUnknownOwnerIsReportedNotImported) {
  absl::StatusOr<IssuerMap> built_in = IssuerMap::BuiltIn();
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  ImportOptions options;
  options.known = &*built_in;
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(
      ReadCorpus("ccadb/ccadb-utils-samples/AllCertificateRecordsCSVFormat.test.csv"), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->source, ImportSource::kCertificateRecordsReport);
  EXPECT_EQ(result->rows_read, 1u);
  EXPECT_THAT(result->map.entries(), IsEmpty());
  EXPECT_THAT(result->rejections,
              ElementsAre(Field(&ImportRejection::reason, HasSubstr("'QuoVadis'"))));
}

TEST(CcadbImportTest, RealCertificateRecordsAddKeysAndSpkiHashesToAKnownOwner) {
  const IssuerMap known =
      Map(R"([{"ca_owner": "QuoVadis", "caa_identifiers": ["quovadisglobal.com"]}])");
  absl::StatusOr<std::map<std::string, std::string>> spki =
      ParseSkiSpkiCsv(ReadCorpus("ccadb/crtsh/ski_spkisha256.csv"));
  ASSERT_TRUE(spki.ok()) << spki.status();
  ImportOptions options;
  options.known = &known;
  options.spki_by_ski = &*spki;
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(
      ReadCorpus("ccadb/ccadb-utils-samples/AllCertificateRecordsCSVFormat.test.csv"), options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_THAT(result->rejections, IsEmpty());
  ASSERT_EQ(result->map.entries().size(), 1u);
  const CaEntry& entry = result->map.entries()[0];
  EXPECT_EQ(entry.ca_owner, "QuoVadis");
  EXPECT_THAT(entry.caa_identifiers, ElementsAre("quovadisglobal.com"));
  // base64 7RAkwGs8hi1E+nylj8w5J87dR7c= in the report, its SPKI hash from crt.sh.
  EXPECT_THAT(entry.subject_key_ids_hex, ElementsAre("ed1024c06b3c862d44fa7ca58fcc3927cedd47b7"));
  EXPECT_THAT(entry.spki_sha256_hex,
              ElementsAre("2875ce8e54cf69a06f201b8c46eaf028f47e2bfa2ba0c9b89cbbd192d79e6231"));
  // The row's "JSON Array of Partitioned CRLs" (its "Full CRL Issued By This CA" is blank),
  // kept under the CA certificate's SKI, found again by that SKI and only by it.
  constexpr char kPartition[] =
      "http://crl.digicert.eu/DigiCertQuoVadisG3QualifiedBEitsmeRSA4096SHA2562023CA1.crl";
  EXPECT_THAT(
      entry.disclosed_crls,
      ElementsAre(absl::StrCat("partition ed1024c06b3c862d44fa7ca58fcc3927cedd47b7 ", kPartition)));
  const std::vector<DisclosedCrl> crls =
      result->map.DisclosedCrls("ED1024C06B3C862D44FA7CA58FCC3927CEDD47B7");
  ASSERT_EQ(crls.size(), 1u);
  EXPECT_TRUE(crls[0].partition);
  EXPECT_EQ(crls[0].url, kPartition);
  EXPECT_THAT(result->map.DisclosedCrls("00"), IsEmpty());
}

// The CRL cells of a certificate records report: a full CRL, a JSON array of partitions; what
// is not an http(s) URL or not a JSON array is reported with its line, never kept.
TEST(CcadbImportTest, CertificateRecordsKeepTheirDisclosedCrlsAndReportBadCells) {
  const IssuerMap known =
      Map(R"([{"ca_owner": "QuoVadis", "caa_identifiers": ["quovadisglobal.com"]}])");
  ImportOptions options;
  options.known = &known;
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(
      "\"CA Owner\",\"Subject Key Identifier\",\"Full CRL Issued By This CA\","
      "\"JSON Array of Partitioned CRLs\"\n"
      "QuoVadis,AQI=,http://crl.example/full.crl,\"[\"\"http://crl.example/1.crl\"\"]\"\n"
      "QuoVadis,AwQ=,ldap://crl.example/x,not json\n",
      options);
  ASSERT_TRUE(result.ok()) << result.status();
  ASSERT_EQ(result->map.entries().size(), 1u);
  EXPECT_THAT(result->map.entries()[0].disclosed_crls,
              ElementsAre("full 0102 http://crl.example/full.crl",
                          "partition 0102 http://crl.example/1.crl"));
  EXPECT_THAT(result->rejections,
              ElementsAre(AllOf(Field(&ImportRejection::line, 3u),
                                Field(&ImportRejection::reason, HasSubstr("ldap://"))),
                          AllOf(Field(&ImportRejection::line, 3u),
                                Field(&ImportRejection::reason, HasSubstr("not a JSON array")))));
}

TEST(CcadbImportTest, SkiSpkiTableOfCrtShDecodesEveryRow) {
  absl::StatusOr<std::map<std::string, std::string>> spki =
      ParseSkiSpkiCsv(ReadCorpus("ccadb/crtsh/ski_spkisha256.csv"));
  ASSERT_TRUE(spki.ok()) << spki.status();
  EXPECT_GT(spki->size(), 8000u);
  EXPECT_EQ(spki->at("fbef0d869eb0e3dda9b9f121177f3efcf0772b1a"),
            "376a1a7082a593dccc20d561d119e9ab8d30f11cc321d0a37fa41f0df284e01c");
  EXPECT_EQ(ParseSkiSpkiCsv("Subject Key Identifier,SHA-256(Subject Public Key Info)\nAAAA,AAAA\n")
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// Real rows of CCADB's CA information report (tests/caa/data/SOURCE.md): each owner keeps its
// problem-reporting contacts, which survive the user file and a merge into the built-in map.
TEST(CcadbImportTest, RealCaInformationReportKeepsEachCasProblemReportingContacts) {
  std::ifstream in(CAAWATCH_SOURCE_DIR "/tests/caa/data/ca-information-report-2018.csv");
  ASSERT_TRUE(in.good());
  const std::string csv((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::StatusOr<IssuerMap> built_in = IssuerMap::BuiltIn();
  ASSERT_TRUE(built_in.ok()) << built_in.status();
  ImportOptions options;
  options.known = &*built_in;
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(csv, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->source, ImportSource::kCaaIdentifiersReport);
  EXPECT_EQ(result->rows_read, 8u);
  const CaEntry* isrg = result->map.FindOwner("Internet Security Research Group (Let's Encrypt)");
  ASSERT_NE(isrg, nullptr);  // Joined to the built-in owner by its name.
  EXPECT_THAT(
      isrg->problem_reporting,
      ElementsAre("security@letsencrypt.org", "cert-prob-reports@letsencrypt.org",
                  "https://letsencrypt.org/contact/", "https://letsencrypt.org/repository/"));
  const CaEntry* comsign = result->map.FindOwner("ComSign");
  ASSERT_NE(comsign, nullptr);
  EXPECT_THAT(comsign->problem_reporting,
              ElementsAre("support@comsign.co.il", "yaire@comda.co.il",
                          "https://www.comsign.co.il/", "https://www.comsign.co.uk/?page_id=1302"));
  // Certicámara and Visa list no CAA domain: not imported, whatever their contacts.
  EXPECT_EQ(result->map.FindOwner("Visa"), nullptr);

  TempDir dir("issuers");
  ASSERT_TRUE(SaveUserIssuerMap(dir.string(), result->map).ok());
  absl::StatusOr<IssuerMap> effective = LoadIssuerMap(dir.string());
  ASSERT_TRUE(effective.ok()) << effective.status();
  const CaEntry* merged = effective->FindOwner("internet security research group (let's encrypt)");
  ASSERT_NE(merged, nullptr);
  EXPECT_THAT(merged->problem_reporting, Contains("cert-prob-reports@letsencrypt.org"));
  EXPECT_THAT(merged->caa_identifiers, Contains("letsencrypt.org"));
}

// A report of owners and contacts only (CCADB's list of problem reporting mechanisms): the
// real rows' two columns, as that list gives them. Contacts join the owners already known;
// the others are reported.
TEST(CcadbImportTest, AProblemReportingReportAddsContactsToKnownOwners) {
  std::ifstream in(CAAWATCH_SOURCE_DIR "/tests/caa/data/ca-information-report-2018.csv");
  const std::string full((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  absl::StatusOr<CsvTable> table = ReadCsvTable(full);
  ASSERT_TRUE(table.ok()) << table.status();
  const size_t owner = *table->Column("CA Owner Name");
  const size_t contact = *table->Column("Problem Reporting Mechanism");
  std::string csv = "\"CA Owner\",\"Problem Reporting Mechanism\"\n";
  for (const CsvRow& row : table->rows) {
    csv += absl::StrCat("\"", row.fields[owner], "\",\"", row.fields[contact], "\"\n");
  }
  absl::StatusOr<IssuerMap> built_in = IssuerMap::BuiltIn();
  ASSERT_TRUE(built_in.ok());
  ImportOptions options;
  options.known = &*built_in;
  absl::StatusOr<ImportResult> result = ImportCcadbCsv(csv, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->source, ImportSource::kProblemReportingReport);
  const CaEntry* isrg = result->map.FindOwner("Internet Security Research Group (Let's Encrypt)");
  ASSERT_NE(isrg, nullptr);
  EXPECT_THAT(isrg->problem_reporting, Contains("cert-prob-reports@letsencrypt.org"));
  EXPECT_THAT(isrg->caa_identifiers, ElementsAre("letsencrypt.org"));
  EXPECT_THAT(result->rejections, Contains(Field(&ImportRejection::reason,
                                                 HasSubstr("'Certicámara' has no known CAA"))));
  // "Google Trust Services LLC (GTS)" is the built-in owner whose issuer O= is "... LLC".
  const CaEntry* gts = result->map.FindOwner("Google Trust Services");
  ASSERT_NE(gts, nullptr);
  EXPECT_THAT(gts->problem_reporting, ElementsAre("https://pki.goog/", "contact@pki.goog"));
}

TEST(CcadbImportTest, JsonImportChecksIdentifiersAndSkipsEmptyEntries) {
  const std::string json = R"([
    {"ca_owner": "Example CA", "caa_identifiers": ["Example.COM", "not a domain"],
     "subject_key_ids_hex": ["ABCD"]},
    {"ca_owner": "Empty CA", "caa_identifiers": ["N/A"]}
  ])";
  absl::StatusOr<ImportResult> result = ImportIssuerFile(json, {});
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->source, ImportSource::kIssuerMapJson);
  ASSERT_EQ(result->map.entries().size(), 1u);
  EXPECT_THAT(result->map.entries()[0].caa_identifiers, ElementsAre("example.com"));
  EXPECT_THAT(result->map.entries()[0].subject_key_ids_hex, ElementsAre("abcd"));
  EXPECT_THAT(result->rejections,
              Contains(Field(&ImportRejection::reason, HasSubstr("'not a domain'"))));
  EXPECT_THAT(result->rejections,
              Contains(Field(&ImportRejection::reason, HasSubstr("'Empty CA': no valid CAA"))));
}

TEST(CcadbImportTest, JsonOfTheWrongShapeIsInvalidArgument) {
  EXPECT_EQ(ImportIssuerFile(R"([{"caa_identifiers": []}])", {}).status().code(),
            absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ImportIssuerFile("[1,", {}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(CcadbImportTest, IssuerDomainNamesAreLowercaseLdhWithTwoLabels) {
  EXPECT_TRUE(IsIssuerDomainName("letsencrypt.org"));
  EXPECT_TRUE(IsIssuerDomainName("www.digicert.com"));
  EXPECT_TRUE(IsIssuerDomainName("d-trust.net"));
  EXPECT_FALSE(IsIssuerDomainName("none"));
  EXPECT_FALSE(IsIssuerDomainName("Pki.goog"));
  EXPECT_FALSE(IsIssuerDomainName("a..b"));
  EXPECT_FALSE(IsIssuerDomainName("a-.b"));
  EXPECT_FALSE(IsIssuerDomainName("a_b.c"));
  EXPECT_FALSE(IsIssuerDomainName(absl::StrCat(std::string(64, 'a'), ".com")));
}

TEST(IssuerStoreTest, WithoutAUserFileTheEffectiveMapIsTheBuiltInOne) {
  TempDir dir("issuers");
  absl::StatusOr<IssuerMap> map = LoadIssuerMap(dir.string());
  ASSERT_TRUE(map.ok()) << map.status();
  absl::StatusOr<IssuerMap> built_in = IssuerMap::BuiltIn();
  ASSERT_TRUE(built_in.ok());
  EXPECT_EQ(IssuerMapJson(map->entries()), IssuerMapJson(built_in->entries()));
}

TEST(IssuerStoreTest, UserFileAddsIdentifiersToAnOwnerAndNewOwners) {
  TempDir dir("issuers");
  const IssuerMap user = Map(R"json([
    {"ca_owner": "internet security research group (let's encrypt)",
     "caa_identifiers": ["le-staging.example"]
},
    {"ca_owner": "Private Corp CA", "caa_identifiers": ["pki.corp.example"],
     "issuer_organization_names": ["Private Corp"], "spki_sha256_hex": ["AA11"]}
  ])json");
  ASSERT_TRUE(SaveUserIssuerMap(dir.string() + "/nested", user).ok());
  absl::StatusOr<IssuerMap> map = LoadIssuerMap(dir.string() + "/nested");
  ASSERT_TRUE(map.ok()) << map.status();
  std::optional<CaIdentity> le = map->Lookup({"Let's Encrypt", "R11", "", ""});
  ASSERT_TRUE(le.has_value());
  EXPECT_THAT(le->caa_identifiers, ElementsAre("letsencrypt.org", "le-staging.example"));
  std::optional<CaIdentity> corp = map->Lookup({"", "", "aa11", ""});
  ASSERT_TRUE(corp.has_value());
  EXPECT_EQ(corp->ca_owner, "Private Corp CA");
  absl::StatusOr<IssuerMap> built_in = IssuerMap::BuiltIn();
  ASSERT_TRUE(built_in.ok());
  EXPECT_EQ(map->entries().size(), built_in->entries().size() + 1);
}

TEST(IssuerStoreTest, SavedMapReadsBackEqual) {
  TempDir dir("issuers");
  absl::StatusOr<ImportResult> imported = ImportCcadbCsv(kCaaReport, {});
  ASSERT_TRUE(imported.ok()) << imported.status();
  ASSERT_TRUE(SaveUserIssuerMap(dir.string(), imported->map).ok());
  absl::StatusOr<IssuerMap> user = LoadUserIssuerMap(dir.string());
  ASSERT_TRUE(user.ok()) << user.status();
  EXPECT_EQ(IssuerMapJson(user->entries()), IssuerMapJson(imported->map.entries()));
  EXPECT_FALSE(std::filesystem::exists(UserIssuerMapPath(dir.string()) + ".tmp"));
}

TEST(IssuerStoreTest, ABrokenUserFileIsInvalidArgumentNamingIt) {
  TempDir dir("issuers");
  std::ofstream(UserIssuerMapPath(dir.string())) << "{\"not\": \"an array\"}";
  absl::StatusOr<IssuerMap> map = LoadIssuerMap(dir.string());
  ASSERT_FALSE(map.ok());
  EXPECT_EQ(map.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(map.status().message(), HasSubstr("issuers.json"));
}

}  // namespace
}  // namespace caawatch::caa
