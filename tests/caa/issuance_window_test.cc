// The worked time-window examples of caa-rules.md §8.6: W = 8 h, TTL = 1 h, issuer
// letsencrypt.org, name www.example.com, earliest SCT T.
#include "caa/issuance_window.h"

#include <map>

#include "gtest/gtest.h"
#include "names/domain_name.h"

namespace caawatch::caa {
namespace {

const absl::Time kT = absl::FromCivil(absl::CivilSecond(2026, 6, 1, 12, 0, 0), absl::UTCTimeZone());
const absl::Time kNow = kT + absl::Hours(24 * 10);

CaaAnswer Answer(const std::string& qname, std::vector<std::string> issue_values) {
  CaaAnswer a;
  a.qname = qname;
  a.ttl = 3600;
  a.dnssec = DnssecStatus::kInsecure;
  for (std::string& v : issue_values) a.records.push_back(CaaRecord{0, "issue", std::move(v)});
  return a;
}

Observation Obs(CaaAnswer answer, absl::Time first, absl::Time last) {
  return Observation{std::move(answer), first, last};
}

class History {
 public:
  void Add(Observation o) { by_name_[o.answer.qname].push_back(std::move(o)); }
  // www and com observed empty throughout unless a test says otherwise.
  void EmptyAroundExample(absl::Time from, absl::Time to) {
    if (!by_name_.count("www.example.com")) Add(Obs(Answer("www.example.com", {}), from, to));
    Add(Obs(Answer("com", {}), from, to));
  }
  ObservationHistory Fn() const {
    return [this](const std::string& q) {
      auto it = by_name_.find(q);
      return it == by_name_.end() ? std::vector<Observation>{} : it->second;
    };
  }

 private:
  std::map<std::string, std::vector<Observation>> by_name_;
};

IssuanceEvaluation Evaluate(const History& h, absl::Time not_before = kT - absl::Hours(1)) {
  IssuanceFacts facts{
      *names::DomainName::Parse("www.example.com"), {"letsencrypt.org"}, kT, not_before};
  return EvaluateAtIssuance(facts, h.Fn());
}

TEST(IssuanceWindowTest, ForbidsWhenTheRestrictionHeldThroughoutTheWindow) {
  History h;
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(24 * 30), kNow));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  const IssuanceEvaluation e = Evaluate(h);
  EXPECT_EQ(e.verdict, IssuanceVerdict::kForbidden);
  EXPECT_EQ(e.window_start, kT - absl::Hours(9));
  EXPECT_EQ(e.window_end, kT);
  EXPECT_EQ(e.basis, "observed");
  EXPECT_EQ(e.decisive.relevant.relevant_name, "example.com");
}

TEST(IssuanceWindowTest, PermitsWhenCaaAppearedInsideTheWindow) {
  History h;
  h.Add(Obs(Answer("example.com", {}), kT - absl::Hours(24 * 30),
            kT - absl::Hours(2) - absl::Minutes(1)));
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(2), kNow));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  EXPECT_EQ(Evaluate(h).verdict, IssuanceVerdict::kPermitted);
}

TEST(IssuanceWindowTest, PermitsWhenTheStateAtIssuancePermits) {
  History h;
  h.Add(Obs(Answer("example.com", {"letsencrypt.org"}), kT - absl::Hours(24 * 30),
            kT + absl::Hours(1)));
  h.Add(Obs(Answer("example.com", {";"}), kT + absl::Hours(1) + absl::Minutes(1), kNow));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  EXPECT_EQ(Evaluate(h).verdict, IssuanceVerdict::kPermitted);
}

TEST(IssuanceWindowTest, PermitsWhenTheWholeNarrowWindowPermits) {
  History h;
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(24 * 30), kT - absl::Hours(10)));
  h.Add(Obs(Answer("example.com", {"letsencrypt.org"}), kT - absl::Hours(10) + absl::Minutes(1),
            kNow));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  EXPECT_EQ(Evaluate(h).verdict, IssuanceVerdict::kPermitted);
}

TEST(IssuanceWindowTest, PermitsWhenAnUnobservedChangeMayHaveHappenedBeforeIssuance) {
  History h;
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(12), kT - absl::Hours(12)));
  h.Add(Obs(Answer("example.com", {"letsencrypt.org"}), kT + absl::Hours(1), kT + absl::Hours(1)));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  const IssuanceEvaluation e = Evaluate(h);
  EXPECT_EQ(e.verdict, IssuanceVerdict::kPermitted);
  EXPECT_EQ(e.basis, "interpolated");
}

TEST(IssuanceWindowTest, LikelyForbiddenWhenOnlyTheWideWindowHasAPermissiveState) {
  History h;
  h.Add(
      Obs(Answer("example.com", {"letsencrypt.org"}), kT - absl::Hours(56), kT - absl::Hours(55)));
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(55) + absl::Minutes(1), kNow));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  EXPECT_EQ(Evaluate(h, kT - absl::Hours(47)).verdict, IssuanceVerdict::kLikelyForbidden);
}

TEST(IssuanceWindowTest, ForbiddenWhenThePermissiveStateIsBeyondTheWideWindow) {
  History h;
  h.Add(
      Obs(Answer("example.com", {"letsencrypt.org"}), kT - absl::Hours(70), kT - absl::Hours(69)));
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(69) + absl::Minutes(1), kNow));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  // notBefore T - 1 h: the wide window starts at T - 1 h - 48 h - 9 h = T - 58 h.
  EXPECT_EQ(Evaluate(h, kT - absl::Hours(1)).verdict, IssuanceVerdict::kForbidden);
}

TEST(IssuanceWindowTest, IndeterminateWhenTheNameItselfOnlyFailed) {
  History h;
  CaaAnswer servfail = Answer("www.example.com", {});
  servfail.outcome = LookupOutcome::kServFail;
  servfail.rcode = 2;
  h.Add(Obs(servfail, kT - absl::Hours(24 * 30), kNow));
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(24 * 30), kNow));
  h.EmptyAroundExample(kT - absl::Hours(24 * 30), kNow);
  EXPECT_EQ(Evaluate(h).verdict, IssuanceVerdict::kDnsIndeterminate);
}

TEST(IssuanceWindowTest, NoDataWithRetrospectiveVerdictWhenFirstObservedAfterIssuance) {
  History h;
  const absl::Time later = kT + absl::Hours(24 * 5);
  h.Add(Obs(Answer("example.com", {"pki.goog"}), later, kNow));
  h.EmptyAroundExample(later, kNow);
  const IssuanceEvaluation e = Evaluate(h);
  EXPECT_EQ(e.verdict, IssuanceVerdict::kNoData);
  ASSERT_TRUE(e.retrospective.has_value());
  EXPECT_EQ(*e.retrospective, NameVerdict::kForbidden);
  EXPECT_EQ(e.retrospective_delay, absl::Hours(24 * 5));
  EXPECT_EQ(e.basis, "later_observation");
}

TEST(IssuanceWindowTest, NewSubdomainFirstSeenEmptyIsJudgedByItsParents) {
  History h;
  h.Add(Obs(Answer("www.example.com", {}), kT + absl::Minutes(1), kNow));  // First seen after.
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(24 * 30), kNow));
  h.Add(Obs(Answer("com", {}), kT - absl::Hours(24 * 30), kNow));
  const IssuanceEvaluation e = Evaluate(h);
  EXPECT_EQ(e.verdict, IssuanceVerdict::kForbidden);
  EXPECT_EQ(e.basis, "ancestor_based");
}

// Late data: a lookup that failed after issuance says nothing about the state at issuance; the
// first answer after it decides, even when it arrives later (re-evaluation).
TEST(IssuanceWindowTest, AFailedLookupAfterIssuanceGivesWayToTheFirstLaterAnswer) {
  CaaAnswer servfail = Answer("www.example.com", {});
  servfail.outcome = LookupOutcome::kServFail;
  servfail.rcode = 2;
  History h;
  h.Add(Obs(servfail, kT + absl::Minutes(1), kT + absl::Minutes(1)));  // Looked up on arrival.
  h.Add(Obs(Answer("example.com", {"pki.goog"}), kT - absl::Hours(24 * 30), kNow));
  h.Add(Obs(Answer("com", {}), kT - absl::Hours(24 * 30), kNow));
  const IssuanceEvaluation before = Evaluate(h);
  EXPECT_EQ(before.verdict, IssuanceVerdict::kNoData);
  ASSERT_TRUE(before.retrospective.has_value());
  EXPECT_EQ(*before.retrospective, NameVerdict::kIndeterminate);

  History later = h;
  later.Add(Obs(Answer("www.example.com", {}), kT + absl::Hours(1), kNow));  // Empty: parents.
  const IssuanceEvaluation after = Evaluate(later);
  EXPECT_EQ(after.verdict, IssuanceVerdict::kForbidden);
  EXPECT_EQ(after.basis, "ancestor_based");

  History own = h;  // The first answer has records of its own: retrospective, judged by them.
  own.Add(Obs(Answer("www.example.com", {"sectigo.com"}), kT + absl::Hours(1), kNow));
  const IssuanceEvaluation retro = Evaluate(own);
  EXPECT_EQ(retro.verdict, IssuanceVerdict::kNoData);
  ASSERT_TRUE(retro.retrospective.has_value());
  EXPECT_EQ(*retro.retrospective, NameVerdict::kForbidden);
  EXPECT_EQ(retro.decisive.relevant.relevant_name, "www.example.com");
}

TEST(IssuanceWindowTest, WildcardSearchesFromTheParentAndUsesTheLongerTtl) {
  History h;
  CaaAnswer a = Answer("example.com", {"pki.goog"});
  a.ttl = 86400;  // A day: W = max(8 h, TTL) = 24 h, window = T - 48 h.
  h.Add(Obs(a, kT - absl::Hours(24 * 30), kNow));
  h.Add(Obs(Answer("com", {}), kT - absl::Hours(24 * 30), kNow));
  IssuanceFacts facts{
      *names::DomainName::Parse("*.example.com"), {"letsencrypt.org"}, kT, kT - absl::Hours(1)};
  const IssuanceEvaluation e = EvaluateAtIssuance(facts, h.Fn());
  EXPECT_EQ(e.verdict, IssuanceVerdict::kForbidden);
  EXPECT_EQ(e.window_start, kT - absl::Hours(48));
}

}  // namespace
}  // namespace caawatch::caa
