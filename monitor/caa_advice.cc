#include "monitor/caa_advice.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "judge/latest_answers.h"
#include "judge/recent_issuances.h"
#include "names/domain_name.h"

namespace caawatch::monitor {

absl::StatusOr<CaaAdvice> AdviseCaa(store::Store& store, const std::string& name,
                                    absl::Duration days, absl::Time now) {
  CAAWATCH_ASSIGN_OR_RETURN(const names::DomainName apex,
                            names::DomainName::Parse(absl::StripPrefix(name, ".")));
  if (apex.is_wildcard()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "caa suggest takes the name at the top of a subtree, not the wildcard ", apex.str()));
  }
  CaaAdvice advice;
  advice.name = apex.str();
  advice.since = now - days;
  CAAWATCH_ASSIGN_OR_RETURN(
      const std::vector<judge::SeenIssuance> seen,
      judge::RecentIssuances(store.findings(), apex, advice.since, kMaxAdviceCertificates));
  advice.certificates = seen.size();
  advice.suggestion = judge::SuggestCaa(seen);
  judge::LatestAnswers latest(&store);
  auto in_force = [&](const names::DomainName& n) {
    return caa::FindRelevantSet(n, [&](const names::DomainName& q) { return latest.Lookup(q); });
  };
  advice.in_force = in_force(apex);
  if (!advice.in_force.consulted.empty()) {
    advice.in_force_seen = latest.LastSeen(advice.in_force.consulted.back().qname);
  }
  advice.warnings = judge::RenewalsForbidden(seen, in_force);
  CAAWATCH_RETURN_IF_ERROR(latest.error());
  return advice;
}

}  // namespace caawatch::monitor
