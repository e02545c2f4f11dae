// The CAA record set `caa suggest` proposes from the CAs seen issuing, and the CAs the records in
// force would stop at renewal (RFC 8659 §4.2, §4.3).
#include "judge/caa_suggestion.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::judge {
namespace {

using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::IsEmpty;

const absl::Time kT0 = absl::FromUnixSeconds(1'790'000'000);

SeenIssuance Seen(const std::string& ca, std::vector<std::string> ids,
                  std::vector<std::string> names, int day) {
  return {ca, std::move(ids), std::move(names), kT0 + absl::Hours(24 * day), "permitted"};
}

caa::CaaRecord Issue(const std::string& v) { return {0, "issue", v}; }
caa::CaaRecord Wild(const std::string& v) { return {0, "issuewild", v}; }

caa::RelevantSet Found(std::vector<caa::CaaRecord> records) {
  caa::RelevantSet set;
  set.outcome = caa::RelevantSetOutcome::kFound;
  set.relevant_name = "example.com";
  set.records = std::move(records);
  return set;
}

TEST(CaaSuggestionTest, OneCaOnlyForWildcardsGetsIssuewildBesideTheIssueOfTheOthers) {
  const std::vector<SeenIssuance> seen = {
      Seen("Let's Encrypt", {"letsencrypt.org"}, {"www.example.com", "example.com"}, 1),
      Seen("Google Trust Services", {"pki.goog", "google.com"}, {"*.example.com"}, 2),
      Seen("Let's Encrypt", {"LetsEncrypt.org"}, {"api.example.com"}, 3)};
  const CaaSuggestion s = SuggestCaa(seen);
  EXPECT_THAT(s.records, ElementsAre(Issue("letsencrypt.org"), Wild("pki.goog")));
  ASSERT_EQ(s.cas.size(), 2u);
  EXPECT_EQ(s.cas[0].identifier, "letsencrypt.org");
  EXPECT_EQ(s.cas[0].certificates, 2);
  EXPECT_TRUE(s.cas[0].plain);
  EXPECT_FALSE(s.cas[0].wildcard);
  EXPECT_EQ(s.cas[0].last_issued, kT0 + absl::Hours(72));
  EXPECT_EQ(s.cas[1].identifier, "pki.goog");
  EXPECT_TRUE(s.cas[1].wildcard);
  EXPECT_FALSE(s.cas[1].plain);
}

TEST(CaaSuggestionTest, TheSameCasForWildcardsNeedNoIssuewild) {
  const std::vector<SeenIssuance> seen = {
      Seen("Let's Encrypt", {"letsencrypt.org"}, {"*.example.com", "example.com"}, 1),
      Seen("DigiCert", {"digicert.com"}, {"shop.example.com", "*.shop.example.com"}, 1)};
  EXPECT_THAT(SuggestCaa(seen).records,
              ElementsAre(Issue("digicert.com"), Issue("letsencrypt.org")));
}

TEST(CaaSuggestionTest, NoWildcardIssuedForbidsWildcardsAndOnlyWildcardsForbidPlainNames) {
  EXPECT_THAT(SuggestCaa({Seen("LE", {"letsencrypt.org"}, {"a.example.com"}, 1)}).records,
              ElementsAre(Issue("letsencrypt.org"), Wild(";")));
  EXPECT_THAT(SuggestCaa({Seen("LE", {"letsencrypt.org"}, {"*.example.com"}, 1)}).records,
              ElementsAre(Issue(";"), Wild("letsencrypt.org")));
}

TEST(CaaSuggestionTest, ACaWithoutIdentifiersIsListedButNamedByNoRecord) {
  const CaaSuggestion s = SuggestCaa({Seen("Unknown CA", {}, {"a.example.com"}, 1)});
  EXPECT_THAT(s.records, IsEmpty());
  ASSERT_EQ(s.cas.size(), 1u);
  EXPECT_EQ(s.cas[0].ca, "Unknown CA");
  EXPECT_EQ(s.cas[0].identifier, "");
  EXPECT_THAT(SuggestCaa({}).records, IsEmpty());
}

TEST(CaaSuggestionTest, WarnsOncePerCaForbiddenByTheRecordsInForceNamingItsLatestName) {
  const std::vector<SeenIssuance> seen = {
      Seen("Let's Encrypt", {"letsencrypt.org"}, {"www.example.com"}, 1),
      Seen("Google Trust Services", {"pki.goog"}, {"*.example.com"}, 2),
      Seen("Google Trust Services", {"pki.goog"}, {"a.example.com"}, 3)};
  // Google only for wildcards, as issued: nothing to warn of.
  EXPECT_THAT(RenewalsForbidden(seen,
                                [](const names::DomainName&) {
                                  return Found({Issue("letsencrypt.org"), Issue("pki.goog")});
                                }),
              IsEmpty());
  // Only Let's Encrypt may issue now: Google's renewals, latest a.example.com, will fail.
  const std::vector<RenewalWarning> w = RenewalsForbidden(
      seen, [](const names::DomainName&) { return Found({Issue("letsencrypt.org")}); });
  ASSERT_EQ(w.size(), 1u);
  EXPECT_EQ(w[0].identifier, "pki.goog");
  EXPECT_EQ(w[0].name, "a.example.com");
  EXPECT_EQ(w[0].last_issued, kT0 + absl::Hours(72));
  EXPECT_THAT(w[0].reason, ::testing::HasSubstr("pki.goog"));
  // issuewild for Let's Encrypt only: Google's wildcard renewals fail, its plain names do not.
  const std::vector<RenewalWarning> wild = RenewalsForbidden(seen, [](const names::DomainName&) {
    return Found({Issue("pki.goog"), Issue("letsencrypt.org"), Wild("letsencrypt.org")});
  });
  EXPECT_THAT(wild, ElementsAre(Field(&RenewalWarning::name, "*.example.com")));
}

TEST(CaaSuggestionTest, AnIndeterminateSetOrAnUnknownCaWarnsOfNothing) {
  const std::vector<SeenIssuance> seen = {Seen("X", {}, {"a.example.com"}, 1),
                                          Seen("LE", {"letsencrypt.org"}, {"b.example.com"}, 1)};
  EXPECT_THAT(RenewalsForbidden(seen,
                                [](const names::DomainName&) {
                                  caa::RelevantSet set;
                                  set.outcome = caa::RelevantSetOutcome::kIndeterminate;
                                  return set;
                                }),
              IsEmpty());
}

}  // namespace
}  // namespace caawatch::judge
