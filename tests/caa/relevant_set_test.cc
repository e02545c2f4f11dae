#include "caa/relevant_set.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "caa/policy.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "names/domain_name.h"

namespace caawatch::caa {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

// Tests spell names as text: the name it is (the test fails at once if it is none).
names::DomainName Name(absl::string_view text) {
  absl::StatusOr<names::DomainName> name = names::DomainName::Parse(text);
  EXPECT_TRUE(name.ok()) << name.status();
  return name.ok() ? *std::move(name) : *names::DomainName::Parse("invalid");
}

// The search path of text, empty when it is no name (it then has none: the judge says so).
std::vector<std::string> SearchNames(absl::string_view text) {
  absl::StatusOr<names::DomainName> name = names::DomainName::Parse(text);
  std::vector<std::string> path;
  if (name.ok()) {
    for (const names::DomainName& q : caa::SearchNames(*name)) path.push_back(q.str());
  }
  return path;
}

NameEvaluation EvaluateName(absl::string_view name, const RelevantSet& relevant,
                            absl::Span<const std::string> ca) {
  return caa::EvaluateName(Name(name), relevant, ca);
}

// An in-memory DNS view: query name -> answer, as a resolver (alias chasing included) would
// return it. Names not listed answer NOERROR with no records. Records every query.
class FakeDns {
 public:
  FakeDns& Set(const std::string& qname, CaaAnswer answer) {
    answer.qname = qname;
    answers_[qname] = std::move(answer);
    return *this;
  }
  CaaAnswer Lookup(const names::DomainName& query_name) {
    const std::string& qname = query_name.str();
    queried_.push_back(qname);
    const auto it = answers_.find(qname);
    if (it != answers_.end()) return it->second;
    CaaAnswer empty;
    empty.qname = qname;
    return empty;
  }
  RelevantSet Find(const std::string& name) {
    return FindRelevantSet(Name(name), [this](const names::DomainName& q) { return Lookup(q); });
  }
  const std::vector<std::string>& queried() const { return queried_; }

 private:
  std::map<std::string, CaaAnswer> answers_;
  std::vector<std::string> queried_;
};

CaaAnswer Records(std::vector<CaaRecord> records, std::vector<std::string> chain = {}) {
  CaaAnswer a;
  a.records = std::move(records);
  a.cname_chain = std::move(chain);
  return a;
}
CaaAnswer Issue(const std::string& issuer, std::vector<std::string> chain = {}) {
  return Records({{0, "issue", issuer}}, std::move(chain));
}
CaaAnswer Outcome(LookupOutcome outcome, int rcode) {
  CaaAnswer a;
  a.outcome = outcome;
  a.rcode = rcode;
  return a;
}
CaaAnswer NxDomain() { return Outcome(LookupOutcome::kNxDomain, 3); }
CaaAnswer ServFail() { return Outcome(LookupOutcome::kServFail, 2); }

TEST(SearchNamesTest, ClimbsFromTheNameToTheTldButNeverTheRoot) {
  EXPECT_THAT(SearchNames("a.b.example.com"),
              ElementsAre("a.b.example.com", "b.example.com", "example.com", "com"));
  EXPECT_THAT(SearchNames("com"), ElementsAre("com"));
}

TEST(SearchNamesTest, SearchesAWildcardFromTheNameBelowTheStar) {
  EXPECT_THAT(SearchNames("*.sub.example.com"),
              ElementsAre("sub.example.com", "example.com", "com"));
}

TEST(SearchNamesTest, LowercasesAndDropsTheTrailingDot) {
  EXPECT_THAT(SearchNames("WWW.Example.COM."),
              ElementsAre("www.example.com", "example.com", "com"));
}

TEST(SearchNamesTest, RefusesNamesWithEmptyLabels) {
  EXPECT_THAT(SearchNames(""), IsEmpty());
  EXPECT_THAT(SearchNames("."), IsEmpty());
  EXPECT_THAT(SearchNames("a..example.com"), IsEmpty());
  EXPECT_THAT(SearchNames(".example.com"), IsEmpty());
}

// The climb asks DNS for the name a CA checks: a U-label spelling (a dNSName or CN written in
// UTF-8) is searched as its A-labels, by names::DomainName's UTS #46 mapping.
TEST(SearchNamesTest, SearchesTheALabelsOfAUnicodeName) {
  EXPECT_THAT(SearchNames("*.B\u00FCcher\uFF0EExample"),
              ElementsAre("xn--bcher-kva.example", "example"));
}

// Text that is no DNS name is not sent to DNS at all: the evaluation says so.
TEST(SearchNamesTest, RefusesTextThatIsNoDomainName) {
  EXPECT_THAT(SearchNames("exa mple.com"), IsEmpty());
  EXPECT_THAT(SearchNames(std::string("www\0.evil.com", 13)), IsEmpty());
  EXPECT_THAT(SearchNames("ab--c.b\u00FCcher.de"), IsEmpty());
}

// caa-rules.md §2.1 table, one test per row.

TEST(FindRelevantSetTest, WildcardSearchStartsAtTheNameBelowTheStar) {
  FakeDns dns;
  dns.Set("sub.example.com", Issue("ca.example"));
  const RelevantSet set = dns.Find("*.sub.example.com");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kFound);
  EXPECT_EQ(set.relevant_name, "sub.example.com");
  EXPECT_THAT(dns.queried(), ElementsAre("sub.example.com"));
}

TEST(FindRelevantSetTest, DnsWildcardOwnerDoesNotApplyToACertificateWildcard) {
  FakeDns dns;  // "*.example.com. CAA" in the zone is never the query name for "*.example.com".
  dns.Set("*.example.com", Issue("deny.example"));
  const RelevantSet set = dns.Find("*.example.com");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kNone);
  EXPECT_THAT(dns.queried(), ElementsAre("example.com", "com"));
}

TEST(FindRelevantSetTest, DnsWildcardSynthesisedAnswerAppliesToANonexistentName) {
  FakeDns dns;  // The resolver synthesises the "*.example.com" owner's set for foo.example.com.
  dns.Set("foo.example.com", Issue("deny.example"));
  dns.Set("example.com", Issue("other.example"));
  const RelevantSet set = dns.Find("foo.example.com");
  EXPECT_EQ(set.relevant_name, "foo.example.com");
  EXPECT_EQ(set.records, Issue("deny.example").records);
}

TEST(FindRelevantSetTest, TldCaaAppliesWhenNothingBelowHasAny) {
  FakeDns dns;
  dns.Set("com", Issue("ca.example"));
  const RelevantSet set = dns.Find("www.example.com");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kFound);
  EXPECT_EQ(set.relevant_name, "com");
  EXPECT_THAT(dns.queried(), ElementsAre("www.example.com", "example.com", "com"));
}

TEST(FindRelevantSetTest, CnameTargetWithCaaIsTheQueriedNamesSet) {
  FakeDns dns;  // caatestsuite cname-deny.basic -> deny.basic.
  dns.Set("cname-deny.basic", Issue("caatestsuite.com", {"deny.basic"}));
  const RelevantSet set = dns.Find("cname-deny.basic");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kFound);
  EXPECT_EQ(set.relevant_name, "cname-deny.basic");
  EXPECT_THAT(set.reason, HasSubstr("deny.basic"));
  ASSERT_EQ(set.consulted.size(), 1u);
  EXPECT_THAT(set.consulted[0].cname_chain, ElementsAre("deny.basic"));
}

TEST(FindRelevantSetTest, CnameTargetWithoutCaaClimbsFromTheOriginalNamesParent) {
  FakeDns dns;  // caatestsuite cname-permit-sub.deny.basic -> sub.permit.basic (no CAA).
  dns.Set("cname-permit-sub.deny.basic", Records({}, {"sub.permit.basic"}));
  dns.Set("permit.basic", Records({{0, "dummy", "dummy"}}));
  dns.Set("deny.basic", Issue("caatestsuite.com"));
  const RelevantSet set = dns.Find("cname-permit-sub.deny.basic");
  EXPECT_EQ(set.relevant_name, "deny.basic");
  EXPECT_THAT(dns.queried(), ElementsAre("cname-permit-sub.deny.basic", "deny.basic"));
}

TEST(FindRelevantSetTest, NameBelowACnameOwnerClimbsToTheOwnerWhoseQueryIsAliased) {
  FakeDns dns;  // caatestsuite sub1.cname-deny.basic.
  dns.Set("sub1.cname-deny.basic", NxDomain());
  dns.Set("cname-deny.basic", Issue("caatestsuite.com", {"deny.basic"}));
  const RelevantSet set = dns.Find("sub1.cname-deny.basic");
  EXPECT_EQ(set.relevant_name, "cname-deny.basic");
  EXPECT_EQ(set.consulted.size(), 2u);
}

TEST(FindRelevantSetTest, DnameAtTheOwnerDoesNotRedirectItSoTheClimbContinues) {
  FakeDns dns;  // caatestsuite dname-permit.deny.basic: owner answers empty.
  dns.Set("permit.basic", Records({{0, "dummy", "dummy"}}));
  dns.Set("deny.basic", Issue("caatestsuite.com"));
  const RelevantSet set = dns.Find("dname-permit.deny.basic");
  EXPECT_EQ(set.relevant_name, "deny.basic");
}

TEST(FindRelevantSetTest, NameBelowADnameFollowsTheSynthesisedCname) {
  FakeDns dns;
  dns.Set("www.old.example.com", Issue("ca.example", {"www.new.example.net"}));
  const RelevantSet set = dns.Find("www.old.example.com");
  EXPECT_EQ(set.relevant_name, "www.old.example.com");
  EXPECT_EQ(set.records, Issue("ca.example").records);
}

TEST(FindRelevantSetTest, NxDomainCountsAsEmptyAndTheClimbContinues) {
  FakeDns dns;  // Boulder nx.critical.com inherits critical.com.
  dns.Set("nx.critical.com", NxDomain());
  dns.Set("critical.com", Records({{1, "issue", "ca.com"}}));
  const RelevantSet set = dns.Find("nx.critical.com");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kFound);
  EXPECT_EQ(set.relevant_name, "critical.com");
}

TEST(FindRelevantSetTest, FailureAtAConsultedNameIsIndeterminate) {
  struct Case {
    const char* name;
    CaaAnswer answer;
  };
  CaaAnswer secure_but_bogus;  // NOERROR carrying data the validator called bogus.
  secure_but_bogus.records = {{0, "issue", "ca.example"}};
  secure_but_bogus.dnssec = DnssecStatus::kBogus;
  const std::vector<Case> kCases = {
      {"SERVFAIL", ServFail()},
      {"REFUSED", Outcome(LookupOutcome::kRefused, 5)},
      {"timeout", Outcome(LookupOutcome::kTimeout, 0)},
      {"bogus outcome", Outcome(LookupOutcome::kBogus, 2)},
      {"other error", Outcome(LookupOutcome::kOtherError, 4)},
      {"NOERROR marked DNSSEC bogus", secure_but_bogus},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    FakeDns dns;  // The failure is at the parent, reached after an empty child.
    dns.Set("example.com", c.answer);
    dns.Set("com", Issue("ca.example"));
    const RelevantSet set = dns.Find("www.example.com");
    EXPECT_EQ(set.outcome, RelevantSetOutcome::kIndeterminate);
    EXPECT_EQ(set.relevant_name, "example.com");
    EXPECT_THAT(set.records, IsEmpty());
    EXPECT_THAT(dns.queried(), ElementsAre("www.example.com", "example.com"));
  }
}

TEST(FindRelevantSetTest, FailureAtAnAncestorNeverReachedIsIrrelevant) {
  FakeDns dns;  // Boulder present.servfail.com.
  dns.Set("present.servfail.com", Issue("letsencrypt.org"));
  dns.Set("servfail.com", ServFail());
  const RelevantSet set = dns.Find("present.servfail.com");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kFound);
  EXPECT_THAT(dns.queried(), ElementsAre("present.servfail.com"));
}

TEST(FindRelevantSetTest, FailureAtTheNameItselfIsIndeterminate) {
  FakeDns dns;  // Boulder servfail.present.com under a permissive present.com.
  dns.Set("servfail.present.com", ServFail());
  dns.Set("present.com", Issue("letsencrypt.org"));
  EXPECT_EQ(dns.Find("servfail.present.com").outcome, RelevantSetOutcome::kIndeterminate);
}

TEST(FindRelevantSetTest, NonEmptySetThatRestrictsNothingStopsTheClimb) {
  FakeDns dns;  // caatestsuite deny.permit.basic inverse: child has only iodef.
  dns.Set("www.example.com", Records({{0, "iodef", "mailto:security@example.com"}}));
  dns.Set("example.com", Issue(";"));
  const RelevantSet set = dns.Find("www.example.com");
  EXPECT_EQ(set.relevant_name, "www.example.com");
  EXPECT_THAT(dns.queried(), ElementsAre("www.example.com"));
}

TEST(FindRelevantSetTest, NoCaaAnywhereIsNoneAfterConsultingEveryNameUpToTheTld) {
  FakeDns dns;  // Boulder absent.com, example.co.uk.
  const RelevantSet set = dns.Find("example.co.uk");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kNone);
  EXPECT_THAT(dns.queried(), ElementsAre("example.co.uk", "co.uk", "uk"));
  EXPECT_EQ(set.consulted.size(), 3u);
}

TEST(FindRelevantSetTest, NonexistentTldIsIndeterminateBecauseTheResolverIsBroken) {
  FakeDns dns;  // Boulder example.gonetld (Boulder: error; RFC 8659: empty).
  dns.Set("example.gonetld", NxDomain());
  dns.Set("gonetld", NxDomain());
  const RelevantSet set = dns.Find("example.gonetld");
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kIndeterminate);
  EXPECT_EQ(set.relevant_name, "gonetld");
  EXPECT_THAT(set.reason, HasSubstr("NXDOMAIN for the top-level domain gonetld"));
}

TEST(FindRelevantSetTest, ChildInheritsTheParentsSet) {
  FakeDns dns;  // Boulder child.present.com; caatestsuite sub2.sub1.deny.basic.
  dns.Set("deny.basic", Issue("caatestsuite.com"));
  const RelevantSet set = dns.Find("sub2.sub1.deny.basic");
  EXPECT_EQ(set.relevant_name, "deny.basic");
  EXPECT_THAT(dns.queried(), ElementsAre("sub2.sub1.deny.basic", "sub1.deny.basic", "deny.basic"));
}

// SSLMate CAA test suite (caa-rules.md §6.2), end to end through FindRelevantSet: the zone's
// own "CA" is caatestsuite.com, so a real CA (letsencrypt.org here) may issue for no deny test.
// DNSSEC-broken delegations must not read as permission: indeterminate.
TEST(FindRelevantSetTest, CaaTestSuiteDenyTestsNeverPermitARealCa) {
  const CaaRecord deny{0, "issue", "caatestsuite.com"};
  auto answer = [](std::vector<CaaRecord> records, std::vector<std::string> chain = {}) {
    CaaAnswer a;
    a.records = std::move(records);
    a.cname_chain = std::move(chain);
    return a;
  };
  auto failed = [](LookupOutcome outcome) {
    CaaAnswer a;
    a.outcome = outcome;
    return a;
  };
  CaaAnswer nxdomain = failed(LookupOutcome::kNxDomain);
  std::vector<CaaRecord> big;
  for (int i = 0; i < 1000; ++i) big.push_back({0, "t" + std::to_string(i), "x"});
  big.push_back(deny);
  std::map<std::string, CaaAnswer> zone = {
      {"empty.basic", answer({{0, "issue", ";"}})},
      {"deny.basic", answer({deny})},
      {"uppercase-deny.basic", answer({{0, "ISSUE", "caatestsuite.com"}})},
      {"mixedcase-deny.basic", answer({{0, "IsSuE", "caatestsuite.com"}})},
      {"big.basic", answer(big)},
      {"critical1.basic", answer({{128, "caatestsuitedummyproperty", "test"}})},
      {"critical2.basic", answer({{130, "caatestsuitedummyproperty", "test"}})},
      {"sub1.deny.basic", nxdomain},
      {"sub2.sub1.deny.basic", nxdomain},
      {"deny-wild.basic", answer({{0, "issuewild", "caatestsuite.com"}})},
      {"cname-deny.basic", answer({deny}, {"deny.basic"})},
      {"cname-cname-deny.basic", answer({deny}, {"cname-deny.basic", "deny.basic"})},
      {"sub1.cname-deny.basic", nxdomain},
      {"dname-permit.deny.basic", answer({})},
      {"cname-permit-sub.deny.basic", answer({}, {"sub.permit.basic"})},
      {"permit.basic", answer({{0, "dummy", "dummy"}})},
      {"deny.permit.basic", answer({deny})},
      {"xss.caatestsuite.com", answer({{0, "issue", "<script>alert(1)</script>"}})},
      {"expired.caatestsuite-dnssec.com", failed(LookupOutcome::kBogus)},
      {"missing.caatestsuite-dnssec.com", failed(LookupOutcome::kBogus)},
      {"blackhole.caatestsuite-dnssec.com", failed(LookupOutcome::kTimeout)},
      {"servfail.caatestsuite-dnssec.com", failed(LookupOutcome::kServFail)},
      {"refused.caatestsuite-dnssec.com", failed(LookupOutcome::kRefused)},
  };
  auto lookup = [&zone](const names::DomainName& qname) {
    const auto it = zone.find(qname.str());
    return it == zone.end() ? CaaAnswer{} : it->second;
  };
  struct Case {
    const char* name;
    NameVerdict expected;
  };
  const Case kCases[] = {
      {"empty.basic", NameVerdict::kForbidden},
      {"deny.basic", NameVerdict::kForbidden},
      {"uppercase-deny.basic", NameVerdict::kForbidden},
      {"mixedcase-deny.basic", NameVerdict::kForbidden},
      {"big.basic", NameVerdict::kForbidden},
      {"critical1.basic", NameVerdict::kForbidden},
      {"critical2.basic", NameVerdict::kForbidden},
      {"sub1.deny.basic", NameVerdict::kForbidden},
      {"sub2.sub1.deny.basic", NameVerdict::kForbidden},
      {"*.deny.basic", NameVerdict::kForbidden},
      {"*.deny-wild.basic", NameVerdict::kForbidden},
      {"cname-deny.basic", NameVerdict::kForbidden},
      {"cname-cname-deny.basic", NameVerdict::kForbidden},
      {"sub1.cname-deny.basic", NameVerdict::kForbidden},
      {"dname-permit.deny.basic", NameVerdict::kForbidden},
      {"cname-permit-sub.deny.basic", NameVerdict::kForbidden},
      {"deny.permit.basic", NameVerdict::kForbidden},
      {"xss.caatestsuite.com", NameVerdict::kForbidden},
      {"expired.caatestsuite-dnssec.com", NameVerdict::kIndeterminate},
      {"missing.caatestsuite-dnssec.com", NameVerdict::kIndeterminate},
      {"blackhole.caatestsuite-dnssec.com", NameVerdict::kIndeterminate},
      {"servfail.caatestsuite-dnssec.com", NameVerdict::kIndeterminate},
      {"refused.caatestsuite-dnssec.com", NameVerdict::kIndeterminate},
      // Controls: the permissive parent and a plain name under a wildcard-only policy.
      {"permit.basic", NameVerdict::kPermitted},
      {"deny-wild.basic", NameVerdict::kPermitted},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const NameEvaluation e = EvaluateName(c.name, FindRelevantSet(Name(c.name), lookup),
                                          std::vector<std::string>{"letsencrypt.org"});
    EXPECT_EQ(e.verdict, c.expected) << e.reason;
  }
}

}  // namespace
}  // namespace caawatch::caa
