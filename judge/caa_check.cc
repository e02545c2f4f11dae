#include "judge/caa_check.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "caa/issuance_window.h"
#include "caa/policy.h"
#include "caa/relevant_set.h"
#include "judge/caa_observer.h"
#include "judge/caa_verdicts.h"
#include "judge/verdict_order.h"
#include "names/domain_name.h"

namespace caawatch::judge {
int CheckExitCode(store::Verdict verdict) {
  switch (verdict) {
    case store::Verdict::kPermitted:
    case store::Verdict::kPermittedConditional:
      return 0;
    case store::Verdict::kForbidden:
    case store::Verdict::kLikelyForbidden:
      return 1;
    default:
      return 2;
  }
}

absl::StatusOr<NameCheck> CaaChecker::CheckLive(const names::DomainName& name,
                                                const std::vector<std::string>& issuers) {
  if (resolver_ == nullptr) return absl::FailedPreconditionError("no resolver for live checks");
  const caa::RelevantSet set =
      caa::FindRelevantSet(name, [&](const names::DomainName& q) { return resolver_->Lookup(q); });
  const caa::NameEvaluation eval = caa::EvaluateName(name, set, issuers);
  return NameCheck{name.str(), ToVerdict(eval.verdict), set.relevant_name, set.records, "live",
                   eval.reason};
}

absl::StatusOr<NameCheck> CaaChecker::CheckAt(const names::DomainName& name,
                                              const std::vector<std::string>& issuers,
                                              absl::Time at) {
  if (history_ == nullptr) return absl::FailedPreconditionError("no store for checks at a time");
  absl::Status error;
  caa::IssuanceFacts facts{name, issuers, at, at};
  const caa::IssuanceEvaluation eval = caa::EvaluateAtIssuance(facts, [&](const std::string& q) {
    std::vector<caa::Observation> out;
    if (zone_history_ != nullptr && zone_history_->ZoneOf(q)) {
      absl::StatusOr<std::vector<ZoneObservation>> zone = zone_history_->History(q);
      if (!zone.ok()) {
        error = zone.status();
        return out;
      }
      for (ZoneObservation& z : *zone) out.push_back(std::move(z.observation));
      return out;
    }
    absl::StatusOr<std::vector<store::CaaObservationRecord>> records =
        history_->Observations(q, absl::InfinitePast(), absl::InfiniteFuture());
    if (!records.ok()) {
      error = records.status();
      return out;
    }
    for (const store::CaaObservationRecord& r : *records) {
      // A followed zone's RRsets at an owner, not lookup answers (judge/zone_history.h).
      if (r.basis() == "zone") continue;
      out.push_back(FromObservationRecord(r));
    }
    return out;
  });
  CAAWATCH_RETURN_IF_ERROR(error);
  // Every state consulted came from a followed zone (a name in one has only the zone's
  // history): records, not estimates, as a finding's evidence says (IssuanceEvaluator).
  const bool zone_based =
      eval.verdict != caa::IssuanceVerdict::kNoData && !eval.used.empty() &&
      std::all_of(eval.used.begin(), eval.used.end(), [&](const caa::Observation& o) {
        return zone_history_ != nullptr && zone_history_->ZoneOf(o.answer.qname).has_value();
      });
  return NameCheck{name.str(),
                   ToVerdict(eval.verdict),
                   eval.decisive.relevant.relevant_name,
                   eval.decisive.relevant.records,
                   zone_based ? "zone" : eval.basis,
                   eval.reason};
}

absl::StatusOr<CaaCheckResult> CaaChecker::CheckNames(const std::vector<std::string>& names,
                                                      const std::vector<std::string>& issuers,
                                                      std::optional<absl::Time> at,
                                                      const std::function<bool()>& out_of_time) {
  if (names.empty()) return absl::InvalidArgumentError("no names to check");
  if (issuers.empty()) return absl::InvalidArgumentError("no issuer identifiers to check");
  std::vector<std::string> lower_issuers;
  for (const std::string& i : issuers) {
    std::string scratch;  // An identifier is compared as an issuer domain, never refused here.
    lower_issuers.emplace_back(names::FoldCase(i, &scratch));
  }
  CaaCheckResult result;
  result.verdict = store::Verdict::kPermitted;
  for (const std::string& raw : names) {
    if (out_of_time && out_of_time()) {
      return absl::DeadlineExceededError(absl::StrCat("CAA check out of time after ",
                                                      result.names.size(), " of ", names.size(),
                                                      " names: ask for fewer names at once"));
    }
    CAAWATCH_ASSIGN_OR_RETURN(const names::DomainName name, names::DomainName::Parse(raw));
    CAAWATCH_ASSIGN_OR_RETURN(
        NameCheck check, at ? CheckAt(name, lower_issuers, *at) : CheckLive(name, lower_issuers));
    if (VerdictRank(check.verdict) < VerdictRank(result.verdict)) result.verdict = check.verdict;
    result.names.push_back(std::move(check));
  }
  return result;
}

}  // namespace caawatch::judge
