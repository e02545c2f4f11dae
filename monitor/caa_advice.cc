#include "monitor/caa_advice.h"

#include <map>
#include <memory>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/clock.h"
#include "base/status_macros.h"
#include "caa/unbound_resolver.h"
#include "judge/latest_answers.h"
#include "judge/recent_issuances.h"
#include "monitor/caa_queries.h"
#include "names/domain_name.h"

namespace caawatch::monitor {

absl::StatusOr<CaaAdvice> AdviseCaa(store::Store& store, const std::string& name,
                                    absl::Duration days, absl::Time now, AdviceSources sources) {
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
  judge::LatestAnswers latest(&store, sources.zones);
  std::map<std::string, caa::CaaAnswer> fresh;  // Looked up now, once each.
  const auto answer = [&](const names::DomainName& q) -> caa::CaaAnswer {
    const caa::Observation& o = latest.Latest(q);
    if (o.first_seen != absl::InfinitePast() || sources.resolver == nullptr) return o.answer;
    auto [it, inserted] = fresh.try_emplace(q.str());
    if (inserted) {
      it->second = sources.resolver->Lookup(q);
      advice.looked_up_now.push_back(q.str());
    }
    return it->second;
  };
  auto in_force = [&](const names::DomainName& n) { return caa::FindRelevantSet(n, answer); };
  advice.in_force = in_force(apex);
  if (!advice.in_force.consulted.empty()) {
    const std::string& deciding = advice.in_force.consulted.back().qname;
    advice.in_force_seen = fresh.count(deciding) ? now : latest.LastSeen(deciding);
  }
  advice.warnings = judge::RenewalsForbidden(seen, in_force);
  CAAWATCH_RETURN_IF_ERROR(latest.error());
  return advice;
}

absl::StatusOr<CaaAdvice> AdviseCaa(const MonitorConfig& config, store::Store& store,
                                    const std::string& name, absl::Duration days, absl::Time now) {
  RealClock clock;
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<caa::CaaResolver> resolver,
                            caa::UnboundResolver::Create(ResolverOptionsFor(config), &clock));
  std::vector<std::string> zones;
  for (const FollowedZoneConfig& z : config.zones) zones.push_back(z.zone);
  std::unique_ptr<judge::ZoneHistory> history;
  if (!zones.empty()) {
    // The followers' max_gap (Pipeline): two missed polls make a gap.
    history = std::make_unique<judge::ZoneHistory>(&store, std::move(zones),
                                                   2 * config.caa_poll_interval + absl::Minutes(5));
  }
  return AdviseCaa(store, name, days, now, {history.get(), resolver.get()});
}

}  // namespace caawatch::monitor
