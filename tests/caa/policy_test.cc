#include "caa/policy.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "caa/caa_record.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "names/domain_name.h"

namespace caawatch::caa {
namespace {

using ::testing::HasSubstr;

// EvaluateName of a name the test spells as text. A table row's name describes the case
// instead: it stands for "*.example.com" when it starts with "*." and "www.example.com" else.
NameEvaluation EvaluateName(absl::string_view name, const RelevantSet& relevant,
                            absl::Span<const std::string> ca, const CaPractices& practices = {}) {
  absl::StatusOr<names::DomainName> parsed = names::DomainName::Parse(name);
  if (!parsed.ok()) {
    parsed = names::DomainName::Parse(absl::StartsWith(name, "*.") ? "*.example.com"
                                                                   : "www.example.com");
  }
  return caa::EvaluateName(*parsed, relevant, ca, practices);
}

const std::vector<std::string> kLetsEncrypt = {"letsencrypt.org"};
const std::vector<std::string> kCa1 = {"ca1.example.net"};
const std::vector<std::string> kCa2 = {"ca2.example.org"};
constexpr const char* kAcct = "https://acme-v02.api.letsencrypt.org/acme/acct/123";

RelevantSet Found(std::vector<CaaRecord> records, std::string at = "example.com") {
  RelevantSet set;
  set.outcome = RelevantSetOutcome::kFound;
  set.relevant_name = std::move(at);
  set.records = std::move(records);
  return set;
}

NameVerdict Verdict(const std::string& name, std::vector<CaaRecord> records,
                    const std::vector<std::string>& ca, const CaPractices& practices = {}) {
  return EvaluateName(name, Found(std::move(records)), ca, practices).verdict;
}

struct Row {
  const char* name;  // Certificate name; a leading "*." makes it a wildcard.
  std::vector<CaaRecord> records;
  std::vector<std::string> ca;
  NameVerdict expected;
};

void ExpectRows(const std::vector<Row>& rows) {
  for (const Row& r : rows) {
    SCOPED_TRACE(r.name);
    const NameEvaluation e = EvaluateName(r.name, Found(r.records), r.ca);
    EXPECT_EQ(e.verdict, r.expected) << e.reason;
    EXPECT_FALSE(e.reason.empty());
  }
}

TEST(EvaluateNameTest, NoRelevantSetPermitsAsNoCaa) {
  RelevantSet none;
  none.outcome = RelevantSetOutcome::kNone;
  const NameEvaluation e = EvaluateName("www.example.com", none, kLetsEncrypt);
  EXPECT_EQ(e.verdict, NameVerdict::kPermitted);
  EXPECT_THAT(e.reason, HasSubstr("no CAA"));
  EXPECT_EQ(e.name, "www.example.com");
}

TEST(EvaluateNameTest, IndeterminateRelevantSetIsIndeterminate) {
  RelevantSet failed;
  failed.outcome = RelevantSetOutcome::kIndeterminate;
  failed.reason = "CAA lookup for example.com failed (SERVFAIL)";
  const NameEvaluation e = EvaluateName("www.example.com", failed, kLetsEncrypt);
  EXPECT_EQ(e.verdict, NameVerdict::kIndeterminate);
  EXPECT_THAT(e.reason, HasSubstr("SERVFAIL"));
}

TEST(EvaluateNameTest, RestrictingSetWithUnknownIssuerIsIndeterminateNotForbidden) {
  EXPECT_EQ(Verdict("example.com", {{0, "issue", "pki.goog"}}, {}), NameVerdict::kIndeterminate);
  EXPECT_EQ(Verdict("example.com", {{0, "iodef", "mailto:a@b.c"}}, {}), NameVerdict::kPermitted);
}

// caa-rules.md §2.3: issue values.
TEST(EvaluateNameTest, IssueValuesFollowRfc8659Section4Point2) {
  ExpectRows({
      {"listed", {{0, "issue", "letsencrypt.org"}}, kLetsEncrypt, NameVerdict::kPermitted},
      {"other CA", {{0, "issue", "pki.goog"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"issuer compared case-insensitively",
       {{0, "issue", "LetsEncrypt.Org"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"CA identifier compared case-insensitively",
       {{0, "issue", "letsencrypt.org"}},
       {"LETSENCRYPT.ORG"},
       NameVerdict::kPermitted},
      {"empty issuer ';'", {{0, "issue", ";"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"empty value", {{0, "issue", ""}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"malformed %%%%% forbids", {{0, "issue", "%%%%%"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"malformed + valid = valid",
       {{0, "issue", "%%%%%"}, {0, "issue", "letsencrypt.org"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"empty + named = named (additive)",
       {{0, "issue", ";"}, {0, "issue", "letsencrypt.org"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"either of two CAs",
       {{0, "issue", "pki.goog"}, {0, "issue", "letsencrypt.org"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"any identifier of the CA",
       {{0, "issue", "comodoca.com"}},
       {"sectigo.com", "comodoca.com"},
       NameVerdict::kPermitted},
      {"trailing ';' still valid",
       {{0, "issue", "letsencrypt.org;"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"separator after last parameter is malformed",
       {{0, "issue", "letsencrypt.org; a=b;"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"issuer with trailing dot is malformed",
       {{0, "issue", "letsencrypt.org."}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"only iodef restricts nothing",
       {{0, "iodef", "mailto:security@example.com"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"only unknown non-critical tags restrict nothing",
       {{0, "dummy", "dummy"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"only issuemail restricts nothing for TLS",
       {{0, "issuemail", "ca.example"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"tag ISSUE is issue",
       {{0, "ISSUE", "caatestsuite.com"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
  });
}

// RFC 8659 §4.3 examples wild, wild2, wild3 (caa-rules.md §2.4).
TEST(EvaluateNameTest, IssuewildFollowsTheRfcExamples) {
  const std::vector<CaaRecord> wild = {{0, "issue", "ca1.example.net"},
                                       {0, "issuewild", "ca2.example.org"}};
  const std::vector<CaaRecord> wild2 = {{0, "issue", "ca1.example.net"}};
  const std::vector<CaaRecord> wild3 = {{0, "issuewild", "ca2.example.org"}, {0, "issue", ";"}};
  const std::vector<CaaRecord> wild3_without_issue = {{0, "issuewild", "ca2.example.org"}};
  ExpectRows({
      {"wild.example.com", wild, kCa1, NameVerdict::kPermitted},
      {"wild.example.com", wild, kCa2, NameVerdict::kForbidden},
      {"*.wild.example.com", wild, kCa1, NameVerdict::kForbidden},
      {"*.wild.example.com", wild, kCa2, NameVerdict::kPermitted},
      {"wild2.example.com", wild2, kCa1, NameVerdict::kPermitted},
      {"*.wild2.example.com", wild2, kCa1, NameVerdict::kPermitted},
      {"*.wild2.example.com", wild2, kCa2, NameVerdict::kForbidden},
      {"wild3.example.com", wild3, kCa1, NameVerdict::kForbidden},
      {"wild3.example.com", wild3, kCa2, NameVerdict::kForbidden},
      {"*.wild3.example.com", wild3, kCa2, NameVerdict::kPermitted},
      {"*.wild3.example.com", wild3, kCa1, NameVerdict::kForbidden},
      {"wild3-no-issue.example.com", wild3_without_issue, kCa1, NameVerdict::kPermitted},
      {"*.wild3-no-issue.example.com", wild3_without_issue, kCa1, NameVerdict::kForbidden},
      {"*.wild3-no-issue.example.com", wild3_without_issue, kCa2, NameVerdict::kPermitted},
      {"*.mixedcase-issuewild.example",
       {{0, "issue", "ca1.example.net"}, {0, "IssueWild", "ca2.example.org"}},
       kCa1,
       NameVerdict::kForbidden},
  });
}

// RFC 8659 §4.1, §4.5 (caa-rules.md §2.6).
TEST(EvaluateNameTest, CriticalFlagIsBit128AndOnlyUnknownTagsForbid) {
  ExpectRows({
      {"RFC 8659 §4.5: critical unknown blocks even a listed CA",
       {{0, "issue", "ca1.example.net"}, {128, "tbs", "Unknown"}},
       kCa1,
       NameVerdict::kForbidden},
      {"flags 130 (128 + reserved bit) still critical",
       {{130, "caatestsuitedummyproperty", "t"}},
       kCa1,
       NameVerdict::kForbidden},
      {"flag 1 is reserved, not critical", {{1, "foo", "bar"}}, kCa1, NameVerdict::kPermitted},
      {"reserved bits 0x7E ignored", {{0x7E, "foo", "bar"}}, kCa1, NameVerdict::kPermitted},
      {"critical known tag changes nothing",
       {{128, "issue", "ca1.example.net"}},
       kCa1,
       NameVerdict::kPermitted},
      {"critical tag matched case-insensitively",
       {{128, "IsSuE", "ca1.example.net"}},
       kCa1,
       NameVerdict::kPermitted},
      {"critical iodef is fine",
       {{128, "iodef", "mailto:a@example.com"}, {0, "issue", "ca1.example.net"}},
       kCa1,
       NameVerdict::kPermitted},
      {"critical issuewild on a plain name is known",
       {{128, "issuewild", "ca2.example.org"}},
       kCa1,
       NameVerdict::kPermitted},
      {"critical issuemail is CA-dependent",
       {{128, "issuemail", "ca1.example.net"}},
       kCa1,
       NameVerdict::kPermittedConditional},
      {"critical issuevmc is CA-dependent",
       {{128, "issuevmc", "x"}, {0, "issue", "ca1.example.net"}},
       kCa1,
       NameVerdict::kPermittedConditional},
      {"critical contactemail is CA-dependent",
       {{128, "contactemail", "a@example.com"}},
       kCa1,
       NameVerdict::kPermittedConditional},
      {"critical contactphone is CA-dependent",
       {{128, "contactphone", "+1 555"}},
       kCa1,
       NameVerdict::kPermittedConditional},
      {"CA-dependent tag cannot rescue an unlisted CA",
       {{128, "issuemail", "x"}, {0, "issue", "ca2.example.org"}},
       kCa1,
       NameVerdict::kForbidden},
      {"critical unknown on a wildcard",
       {{128, "foo", "bar"}, {0, "issuewild", "ca1.example.net"}},
       kCa1,
       NameVerdict::kForbidden},
  });
}

// RFC 8657 (caa-rules.md §3): only what DNS alone decides; the rest is conditional.
TEST(EvaluateNameTest, Rfc8657ParametersMakeAPermissionConditionalOrUnsatisfiable) {
  const std::string le = "letsencrypt.org; ";
  ExpectRows({
      {"accounturi",
       {{0, "issue", le + "accounturi=" + kAcct}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"validationmethods",
       {{0, "issue", le + "validationmethods=http-01,dns-01"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"accounturi and validationmethods",
       {{0, "issue", le + "accounturi=" + kAcct + "; validationmethods=http-01"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"CA-defined parameter",
       {{0, "issue", "pki.goog; cansignhttpexchanges=yes"}},
       {"pki.goog"},
       NameVerdict::kPermittedConditional},
      {"two accounturi in one property",
       {{0, "issue", le + "accounturi=x:1; accounturi=x:1"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"accounturi that is no URI",
       {{0, "issue", le + "accounturi=123"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"empty accounturi",
       {{0, "issue", le + "accounturi="}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"empty validationmethods",
       {{0, "issue", le + "validationmethods="}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"validationmethods ','",
       {{0, "issue", le + "validationmethods=,"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"two validationmethods",
       {{0, "issue", le + "validationmethods=dns-01; validationmethods=http-01"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"parameter tags case-insensitive",
       {{0, "issue", le + "AccountURI=x:1; ACCOUNTURI=x:2"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"unsatisfiable + plain = permitted",
       {{0, "issue", le + "validationmethods="}, {0, "issue", "letsencrypt.org"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"conditional + plain = permitted",
       {{0, "issue", le + "accounturi=x:1"}, {0, "issue", "letsencrypt.org"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"other CA's parameters are irrelevant",
       {{0, "issue", "pki.goog; accounturi=x:1"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
  });
}

TEST(EvaluateNameTest, WildcardMethodInferenceIsOptInPerCa) {
  const std::vector<CaaRecord> http_only = {
      {0, "issue", "letsencrypt.org; validationmethods=http-01"}};
  const CaPractices isrg{{"dns-01"}};
  EXPECT_EQ(Verdict("*.example.com", http_only, kLetsEncrypt), NameVerdict::kPermittedConditional);
  EXPECT_EQ(Verdict("*.example.com", http_only, kLetsEncrypt, isrg), NameVerdict::kForbidden);
  EXPECT_EQ(Verdict("www.example.com", http_only, kLetsEncrypt, isrg),
            NameVerdict::kPermittedConditional);
  EXPECT_EQ(Verdict("*.example.com", {{0, "issue", "letsencrypt.org; validationmethods=DNS-01"}},
                    kLetsEncrypt, isrg),
            NameVerdict::kPermittedConditional);
  const NameEvaluation e = EvaluateName("*.example.com", Found(http_only), kLetsEncrypt, isrg);
  EXPECT_THAT(e.reason, HasSubstr("dns-01"));
}

// Boulder TestCAAChecking (caa-rules.md §6.1) for CA letsencrypt.org, with the monitor's
// verdicts where Boulder is stricter or knows the account and method (it does; we do not).
TEST(EvaluateNameTest, BoulderCaaCheckingFixturesWithMonitorSemantics) {
  const std::string le = "letsencrypt.org";
  ExpectRows({
      {"reserved.com", {{0, "issue", "ca.com"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"mixedcase.com", {{0, "iSsUe", "ca.com"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"critical.com", {{1, "issue", "ca.com"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"present.com", {{0, "issue", le}}, kLetsEncrypt, NameVerdict::kPermitted},
      {"multi-crit-present.com",
       {{1, "issue", "ca.com"}, {1, "issue", le}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"unknown-critical.com", {{128, "foo", "bar"}}, kLetsEncrypt, NameVerdict::kForbidden},
      // Divergence: Boulder treats flag 1 as critical and forbids.
      {"unknown-critical2.com", {{1, "foo", "bar"}}, kLetsEncrypt, NameVerdict::kPermitted},
      {"unknown-noncritical.com", {{0x7E, "foo", "bar"}}, kLetsEncrypt, NameVerdict::kPermitted},
      {"*.unknown-noncritical.com", {{0x7E, "foo", "bar"}}, kLetsEncrypt, NameVerdict::kPermitted},
      // Boulder: permitted (it ignores unknown parameters); we cannot know what they restrict.
      {"present-with-parameter.com",
       {{0, "issue", "  letsencrypt.org  ;foo=bar;baz=bar"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"present-with-invalid-tag.com",
       {{0, "issue", "letsencrypt.org; a_b=123"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"present-with-invalid-value.com",
       {{0, "issue", "letsencrypt.org; ab=1 2 3"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      // Boulder decides these with the request's method/account; the certificate has neither.
      {"present-dns-only.com",
       {{0, "issue", le + "; validationmethods=dns-01"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"present-http-only.com",
       {{0, "issue", le + "; validationmethods=http-01"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"present-incorrect-accounturi.com",
       {{0, "issue", le + "; accounturi=https://letsencrypt.org/acct/reg/321"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"present-multiple-accounturi.com",
       {{0, "issue", le + "; accounturi=https://letsencrypt.org/acct/reg/321"},
        {0, "issue", le + "; accounturi=https://letsencrypt.org/acct/reg/123"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"unsatisfiable.com", {{0, "issue", ";"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"*.unsatisfiable.com", {{0, "issue", ";"}}, kLetsEncrypt, NameVerdict::kForbidden},
      {"*.unsatisfiable-wildcard.com",
       {{0, "issuewild", ";"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"*.unsatisfiable-wildcard-override.com",
       {{0, "issue", le}, {0, "issuewild", "ca.com"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"*.satisfiable-wildcard.com", {{0, "issuewild", le}}, kLetsEncrypt, NameVerdict::kPermitted},
      {"*.satisfiable-multi-wildcard.com",
       {{0, "issuewild", "ca.com"}, {0, "issuewild", le}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"*.satisfiable-wildcard-override.com",
       {{0, "issue", "ca.com"}, {0, "issuewild", le}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"satisfiable-wildcard-override.com",
       {{0, "issue", "ca.com"}, {0, "issuewild", le}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
  });
}

// caa-rules.md §6.1 "Deviations": where Boulder is stricter than RFC 8659/8657, a monitor must
// not be (a CA may refuse more than the RFC requires; a certificate it issued anyway under the
// RFC's rules was not mis-issued). One row per deviation the monitor does not copy; NXDOMAIN at
// a TLD is FindRelevantSetTest.NonexistentTldIsNoneButFlagged.
TEST(EvaluateNameTest, BoulderDeviationsFromTheRfcAreNotCopied) {
  const std::string le = "letsencrypt.org";
  ExpectRows({
      {"flag value 1 on an unknown tag is a reserved bit, not critical (Boulder: critical)",
       {{1, "foo", "bar"}, {0, "issue", le}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"flag value 1 on an unknown tag alone restricts nothing (Boulder: forbidden)",
       {{1, "foo", "bar"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      {"hyphen inside a parameter tag is valid ABNF (Boulder: malformed, forbidden)",
       {{0, "issue", le + "; policy-id=ev"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"issuer domain in another case matches (Boulder: exact string, forbidden)",
       {{0, "issue", "LetsEncrypt.ORG"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
      // Where Boulder is as strict as the RFC allows, the monitor agrees.
      {"two validationmethods parameters are unsatisfiable (as Boulder)",
       {{0, "issue", le + "; validationmethods=dns-01; validationmethods=http-01"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"empty value authorises nobody (as Boulder)",
       {{0, "issue", ""}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
  });
}

NameEvaluation Named(std::string name, NameVerdict verdict) {
  NameEvaluation e;
  e.name = std::move(name);
  e.verdict = verdict;
  return e;
}

// caa-rules.md §2.9: every name must be authorised; the certificate takes the worst.
TEST(CombineNamesTest, CertificateVerdictIsForbiddenThenIndeterminateThenConditional) {
  using V = NameVerdict;
  struct Case {
    const char* name;
    std::vector<V> names;
    V expected;
  };
  const std::vector<Case> kCases = {
      {"all permitted", {V::kPermitted, V::kPermitted}, V::kPermitted},
      {"one forbidden name forbids the certificate", {V::kPermitted, V::kForbidden}, V::kForbidden},
      {"forbidden beats indeterminate", {V::kIndeterminate, V::kForbidden}, V::kForbidden},
      {"indeterminate beats conditional",
       {V::kPermittedConditional, V::kIndeterminate},
       V::kIndeterminate},
      {"conditional beats permitted",
       {V::kPermitted, V::kPermittedConditional},
       V::kPermittedConditional},
      {"no names", {}, V::kPermitted},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    std::vector<NameEvaluation> evaluations;
    for (V v : c.names) evaluations.push_back(Named("n", v));
    EXPECT_EQ(CombineNames(evaluations), c.expected);
  }
}

TEST(CombineNamesTest, WildcardAndBaseNameOfOneCertificateAreJudgedSeparately) {
  // RFC 8659 wild3: "*.x" permitted for ca2, "x" forbidden -> the certificate is forbidden.
  const RelevantSet wild3 = Found({{0, "issuewild", "ca2.example.org"}, {0, "issue", ";"}});
  const std::vector<NameEvaluation> names = {EvaluateName("*.example.com", wild3, kCa2),
                                             EvaluateName("example.com", wild3, kCa2)};
  EXPECT_EQ(names[0].verdict, NameVerdict::kPermitted);
  EXPECT_EQ(names[1].verdict, NameVerdict::kForbidden);
  EXPECT_EQ(CombineNames(names), NameVerdict::kForbidden);
}

// A tag outside RFC 8659's grammar, as parsed from the wire (issue 20): the typo "issue-wild"
// is an unknown property, so the records beside it decide; critical, it forbids everyone.
TEST(EvaluateNameTest, TypoTagIsAnUnknownPropertyBesideTheRecordsThatCount) {
  absl::StatusOr<CaaRecord> typo =
      ParseCaaRdata(std::vector<uint8_t>({0,   10,  'i', 's', 's', 'u', 'e', '-', 'w', 'i',
                                          'l', 'd', 'p', 'k', 'i', '.', 'g', 'o', 'o', 'g'}));
  ASSERT_TRUE(typo.ok()) << typo.status();
  const CaaRecord le{0, "issue", "letsencrypt.org"};
  const CaaRecord goog{0, "issue", "pki.goog"};
  EXPECT_EQ(Verdict("www.example.com", {*typo, le}, {"letsencrypt.org"}), NameVerdict::kPermitted);
  EXPECT_EQ(Verdict("www.example.com", {*typo, le}, {"pki.goog"}), NameVerdict::kForbidden);
  EXPECT_EQ(Verdict("www.example.com", {*typo, goog}, {"letsencrypt.org"}),
            NameVerdict::kForbidden);
  // Not an issuewild property: a wildcard name is judged by issue alone.
  EXPECT_EQ(Verdict("*.example.com", {*typo, le}, {"letsencrypt.org"}), NameVerdict::kPermitted);
  CaaRecord critical = *typo;
  critical.flags = 128;
  EXPECT_EQ(Verdict("www.example.com", {critical, le}, {"letsencrypt.org"}),
            NameVerdict::kForbidden);
}

}  // namespace
}  // namespace caawatch::caa

namespace caawatch::caa {
namespace {

// SC-098 (BR §4.2.2.1): the method labels the CA/Browser Forum defined. A list that names some
// method a CA can use is a condition no certificate shows; a list of labels that name none
// authorises nobody (before: any well-formed label passed as a condition).
TEST(EvaluateNameTest, ValidationMethodLabelsAsTheCaBrowserForumDefinedThem) {
  const std::string le = "letsencrypt.org; validationmethods=";
  ExpectRows({
      {"ACME tls-alpn-01",
       {{0, "issue", le + "tls-alpn-01"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"BR method ca-tbr-7",
       {{0, "issue", le + "ca-tbr-7"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"a CA's own ca- label",
       {{0, "issue", le + "ca-certum-email"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"unknown beside a known label",
       {{0, "issue", le + "foo-01,dns-01"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"upper case is the CA's to match",
       {{0, "issue", le + "HTTP-01"}},
       kLetsEncrypt,
       NameVerdict::kPermittedConditional},
      {"only an unknown label",
       {{0, "issue", le + "foo-01"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"only unknown labels",
       {{0, "issue", le + "email,ca-tbr-07,ca-tbr-x"}},
       kLetsEncrypt,
       NameVerdict::kForbidden},
      {"unknown-only beside a plain property",
       {{0, "issue", le + "foo-01"}, {0, "issue", "letsencrypt.org"}},
       kLetsEncrypt,
       NameVerdict::kPermitted},
  });
  const NameEvaluation e =
      EvaluateName("www.example.com", Found({{0, "issue", le + "foo-01"}}), kLetsEncrypt);
  EXPECT_THAT(e.reason, HasSubstr("validationmethods=foo-01 names no domain validation method"));
}

TEST(EvaluateNameTest, TheConditionalReasonStatesTheAccountAndMethodRestrictions) {
  const NameEvaluation e =
      EvaluateName("www.example.com",
                   Found({{0, "issue",
                           std::string("letsencrypt.org; accounturi=") + kAcct +
                               "; validationmethods=dns-01,ca-tbr-7,foo-01"}}),
                   kLetsEncrypt);
  EXPECT_EQ(e.verdict, NameVerdict::kPermittedConditional);
  EXPECT_THAT(e.reason, HasSubstr(std::string("only the CA account ") + kAcct + " (accounturi)"));
  EXPECT_THAT(e.reason, HasSubstr("only validation by dns-01 (ACME) or ca-tbr-7 (BR 3.2.2.4.7) "
                                  "(validationmethods)"));
  EXPECT_THAT(e.reason, HasSubstr("at example.com, which no certificate shows"));
  const NameEvaluation ca_defined = EvaluateName(
      "www.example.com", Found({{0, "issue", "pki.goog; cansignhttpexchanges=yes"}}), {"pki.goog"});
  EXPECT_THAT(ca_defined.reason, HasSubstr("the CA-defined parameter cansignhttpexchanges=yes"));
}

}  // namespace
}  // namespace caawatch::caa
