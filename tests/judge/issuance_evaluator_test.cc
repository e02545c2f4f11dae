// The monitor's verdict policy over a real store and the evaluation at issuance time: which
// verdict and severity a watched certificate gets for the CAA it had when issued.
#include "judge/issuance_evaluator.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "absl/strings/match.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/leaf.h"
#include "ctlog/pem.h"
#include "gtest/gtest.h"
#include "names/domain_name.h"
#include "tests/fakes/store_fixture.h"
#include "tests/judge/fake_caa_resolver.h"

namespace caawatch::judge {
namespace {

using caa::CaaRecord;

names::DomainName Name(absl::string_view text) { return *names::DomainName::Parse(text); }

const absl::Time kStart =
    absl::FromCivil(absl::CivilSecond(2026, 6, 1, 0, 0, 0), absl::UTCTimeZone());

class IssuanceEvaluatorTest : public StoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreFixture::SetUp());
    observer_ = std::make_unique<CaaObserver>(&resolver_, &store_->caa_history(), &clock_);
    evaluator_ = std::make_unique<IssuanceEvaluator>(&issuers_, observer_.get());
  }

  // A precertificate for `name` from Let's Encrypt's R11 logged at `logged`.
  ctlog::LogEntry Entry(const std::string& name, absl::Time logged,
                        const std::string& issuer_org = "Let's Encrypt") {
    ctlog::LogEntry e;
    e.index = 7;
    e.timestamp_ms = static_cast<uint64_t>(absl::ToUnixMillis(logged));
    e.type = ctlog::EntryType::kPrecert;
    e.identity.dns_names = {name};
    e.identity.not_before = logged - absl::Hours(1);
    e.identity.not_after = logged + absl::Hours(24 * 90);
    e.identity.issuer_organization = issuer_org;
    e.identity.issuer_common_name = "R11";
    e.identity.issuer_dn = "C=US, O=" + issuer_org + ", CN=R11";
    e.identity.tbs_sha256.fill(0x42);
    e.identity.sha256.fill(0x43);
    e.certificate_der = {0x30, 0x00};
    return e;
  }

  store::FindingRecord Evaluate(const ctlog::LogEntry& entry,
                                const std::string& watch = ".example.com") {
    auto items = watch::ParseWatchlist(watch);
    EXPECT_TRUE(items.ok()) << items.status();
    watchlist_ = std::make_unique<watch::Watchlist>(*items);
    const auto hits = IssuanceEvaluator::FindHits(*watchlist_, ctlog::MatchNames(entry.identity));
    EXPECT_FALSE(hits.empty());
    ctlog::LogInfo log;
    log.url = "https://log.test/";
    log.description = "test log";
    auto finding = evaluator_->Evaluate(entry, log, hits, clock_.Now());
    EXPECT_TRUE(finding.ok()) << finding.status();
    return finding.ok() ? *finding : store::FindingRecord();
  }

  FakeClock clock_{kStart};
  testing::FakeCaaResolver resolver_{&clock_};
  caa::IssuerMap issuers_ = *caa::IssuerMap::BuiltIn();
  std::unique_ptr<CaaObserver> observer_;
  std::unique_ptr<IssuanceEvaluator> evaluator_;
  std::unique_ptr<watch::Watchlist> watchlist_;
};

TEST_F(IssuanceEvaluatorTest, CertificateFromACaThatCaaForbadeAtIssuanceIsCritical) {
  resolver_.Set("example.com", {CaaRecord{0, "issue", "pki.goog"}});
  ASSERT_TRUE(observer_->ObservePath(Name("www.example.com")).ok());  // Observed before issuance.
  clock_.Advance(absl::Hours(2));
  const ctlog::LogEntry entry = Entry("www.example.com", clock_.Now());
  clock_.Advance(absl::Minutes(1));
  const store::FindingRecord f = Evaluate(entry);
  EXPECT_EQ(f.verdict(), "forbidden");
  EXPECT_EQ(f.severity(), "critical");
  ASSERT_EQ(f.caa_size(), 1);
  EXPECT_EQ(f.caa(0).relevant_name(), "example.com");
  EXPECT_EQ(f.caa(0).basis(), "observed");
  EXPECT_EQ(f.issuer().caa_identifiers(0), "letsencrypt.org");
  EXPECT_EQ(f.watched_names(0), "www.example.com");
}

// A certificate name that is no DNS name has no CAA search path: it is dns_indeterminate, with
// no lookup, and the reason says which text and why (not the empty name it has no path from).
TEST_F(IssuanceEvaluatorTest, ACertificateNameThatIsNoDnsNameIsIndeterminateAndSaysWhy) {
  const store::FindingRecord f = Evaluate(Entry("bad name.example.com", clock_.Now()));
  EXPECT_EQ(f.verdict(), "dns_indeterminate");
  ASSERT_EQ(f.caa_size(), 1);
  EXPECT_EQ(f.caa(0).name(), "bad name.example.com");
  EXPECT_EQ(f.caa(0).verdict(), "dns_indeterminate");
  EXPECT_EQ(f.caa(0).relevant_name(), "");
  EXPECT_EQ(f.caa(0).dnssec(), "indeterminate");
  EXPECT_TRUE(absl::StrContains(f.caa(0).reason(), "\"bad name.example.com\""))
      << f.caa(0).reason();
  EXPECT_EQ(resolver_.lookups(), 0);
}

TEST_F(IssuanceEvaluatorTest, PermittedCertificateIsRecordedAsInfo) {
  resolver_.Set("example.com", {CaaRecord{0, "issue", "letsencrypt.org"}});
  ASSERT_TRUE(observer_->ObservePath(Name("www.example.com")).ok());
  clock_.Advance(absl::Hours(1));
  const store::FindingRecord f = Evaluate(Entry("www.example.com", clock_.Now()));
  EXPECT_EQ(f.verdict(), "permitted");
  EXPECT_EQ(f.severity(), "info");
}

TEST_F(IssuanceEvaluatorTest, CertificateIssuedBeforeMonitoringIsNoDataWithRetrospectiveWarning) {
  resolver_.Set("example.com", {CaaRecord{0, "issue", "pki.goog"}});
  const ctlog::LogEntry entry = Entry("www.example.com", clock_.Now() - absl::Hours(24 * 3));
  const store::FindingRecord f = Evaluate(entry);
  EXPECT_EQ(f.verdict(), "no_data");
  EXPECT_EQ(f.severity(), "warning");
  ASSERT_EQ(f.caa_size(), 1);
  EXPECT_EQ(f.caa(0).retrospective_verdict(), "forbidden");
}

// The reason explains the severity: it leads with the name whose later state forbids, not with
// the last name looked at; and it says how much later in days and hours.
TEST_F(IssuanceEvaluatorTest, TheReasonOfAMultiNameFindingLeadsWithTheWorstName) {
  resolver_.Set("example.com", {CaaRecord{0, "issue", "pki.goog"}});
  resolver_.Set("z.example.com", {CaaRecord{0, "issue", "letsencrypt.org"}});
  ctlog::LogEntry entry = Entry("a.example.com", clock_.Now() - absl::Hours(24 * 3));
  entry.identity.dns_names = {"a.example.com", "z.example.com"};
  const store::FindingRecord f = Evaluate(entry);
  EXPECT_EQ(f.verdict(), "no_data");
  EXPECT_EQ(f.severity(), "warning");
  EXPECT_TRUE(absl::StartsWith(f.reason(), "a.example.com: ")) << f.reason();
  EXPECT_TRUE(absl::StrContains(f.reason(), "observed 3d 0h after issuance")) << f.reason();
}

TEST_F(IssuanceEvaluatorTest, RetrospectivelyPermittedNoDataIsInfo) {
  resolver_.Set("example.com", {CaaRecord{0, "issue", "letsencrypt.org"}});
  const store::FindingRecord f = Evaluate(Entry("www.example.com", clock_.Now() - absl::Hours(72)));
  EXPECT_EQ(f.verdict(), "no_data");
  EXPECT_EQ(f.severity(), "info");
}

// The retrospective verdict keeps the word it has always been stored with for a set that could
// not be looked up ("indeterminate"), so that findings stored before and after compare equal.
TEST_F(IssuanceEvaluatorTest, RetrospectiveJudgementOfAFailedLookupIsStoredAsIndeterminate) {
  resolver_.SetFailure("example.com", caa::LookupOutcome::kServFail);
  const store::FindingRecord f = Evaluate(Entry("www.example.com", clock_.Now() - absl::Hours(72)));
  EXPECT_EQ(f.verdict(), "no_data");
  EXPECT_EQ(f.severity(), "info");
  ASSERT_EQ(f.caa_size(), 1);
  EXPECT_EQ(f.caa(0).retrospective_verdict(), "indeterminate");
}

TEST_F(IssuanceEvaluatorTest, IssuerWithoutCaaIdentifierIsUnknownIssuer) {
  const store::FindingRecord f =
      Evaluate(Entry("www.example.com", clock_.Now(), "Nobody Heard Of Us Ltd"));
  EXPECT_EQ(f.verdict(), "unknown_issuer");
  EXPECT_EQ(f.severity(), "warning");
}

TEST_F(IssuanceEvaluatorTest, CertificateFromBefore2017IsExempt) {
  ctlog::LogEntry e = Entry("www.example.com", clock_.Now());
  e.identity.not_before = absl::FromCivil(absl::CivilDay(2016, 1, 1), absl::UTCTimeZone());
  EXPECT_EQ(Evaluate(e).verdict(), "exempt");
}

TEST_F(IssuanceEvaluatorTest, LookupFailureWithNothingPermittingIsIndeterminate) {
  resolver_.SetFailure("www.example.com", caa::LookupOutcome::kServFail);
  resolver_.Set("example.com", {CaaRecord{0, "issue", "pki.goog"}});
  ASSERT_TRUE(observer_->ObservePath(Name("www.example.com")).ok());
  clock_.Advance(absl::Hours(1));
  const store::FindingRecord f = Evaluate(Entry("www.example.com", clock_.Now()));
  EXPECT_EQ(f.verdict(), "dns_indeterminate");
  EXPECT_EQ(f.severity(), "warning");
}

TEST_F(IssuanceEvaluatorTest, IssuerOutsideTheWatchEntrysExpectedIssuersWarns) {
  ASSERT_TRUE(observer_->ObservePath(Name("www.example.com")).ok());  // No CAA anywhere.
  clock_.Advance(absl::Hours(1));
  const store::FindingRecord f =
      Evaluate(Entry("www.example.com", clock_.Now()), ".example.com issuers=pki.goog");
  EXPECT_EQ(f.verdict(), "unexpected_issuer");
  EXPECT_EQ(f.severity(), "warning");
  ASSERT_EQ(f.unexpected_issuer_for_size(), 1);
}

TEST_F(IssuanceEvaluatorTest, ABurstOfCertificatesForOneDomainLooksEachNameUpOnce) {
  resolver_.Set("example.com", {CaaRecord{0, "issue", "letsencrypt.org"}});
  for (int i = 0; i < 5; ++i) Evaluate(Entry("www.example.com", clock_.Now()));
  EXPECT_EQ(resolver_.lookups(), 3);  // www.example.com, example.com, com.
}

// A certificate whose SAN extension cannot be read is not dropped: the parts that could be read
// (here the subject CN) are matched, and the finding says the certificate was malformed.
TEST_F(IssuanceEvaluatorTest, CertificateWithAnUnreadableSanIsAFindingFlaggedMalformed) {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  ASSERT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR is not set";
  std::ifstream in(
      std::string(shared) + "/corpus/x509/boringssl/invalid_extension_leaf_subject_alt_name.pem",
      std::ios::binary);
  ASSERT_TRUE(in.good());
  const std::string pem((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::vector<std::vector<uint8_t>> certs = ctlog::PemCertificates(pem);
  ASSERT_EQ(certs.size(), 1u);
  // An RFC 6962 x509_entry for it: MerkleTreeLeaf v1, timestamped_entry, no chain.
  const std::vector<uint8_t>& der = certs[0];
  ctlog::RawEntry raw;
  raw.leaf_input = {0, 0};
  const uint64_t ms = static_cast<uint64_t>(absl::ToUnixMillis(kStart));
  for (int i = 7; i >= 0; --i) raw.leaf_input.push_back(static_cast<uint8_t>(ms >> (8 * i)));
  raw.leaf_input.insert(raw.leaf_input.end(), {0, 0});  // x509_entry.
  for (int i = 2; i >= 0; --i)
    raw.leaf_input.push_back(static_cast<uint8_t>(der.size() >> (8 * i)));
  raw.leaf_input.insert(raw.leaf_input.end(), der.begin(), der.end());
  raw.leaf_input.insert(raw.leaf_input.end(), {0, 0});  // No extensions.
  raw.extra_data = {0, 0, 0};                           // Empty certificate_chain.
  absl::StatusOr<ctlog::LogEntry> entry = ctlog::DecodeLogEntry(3, raw);
  ASSERT_TRUE(entry.ok()) << entry.status();
  EXPECT_NE(entry->decode_error.find("subjectAltName"), std::string::npos) << entry->decode_error;

  resolver_.Set("example.com", {CaaRecord{0, "issue", "pki.goog"}});
  const store::FindingRecord f = Evaluate(*entry, "www.example.com");
  ASSERT_EQ(f.watched_names_size(), 1);
  EXPECT_EQ(f.watched_names(0), "www.example.com");
  EXPECT_NE(f.decode_error().find("subjectAltName"), std::string::npos) << f.DebugString();
}

}  // namespace
}  // namespace caawatch::judge
