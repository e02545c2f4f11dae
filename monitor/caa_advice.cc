#include "monitor/caa_advice.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/status_macros.h"
#include "judge/caa_observer.h"
#include "names/domain_name.h"

namespace caawatch::monitor {
namespace {

// When the CA issued: the earliest log timestamp (the end of its CAA window), else notBefore.
absl::Time IssuedAt(const store::FindingRecord& f) {
  int64_t ms = 0;
  for (const store::EntryRef& e : f.entries()) {
    if (e.timestamp_ms() > 0 && (ms == 0 || e.timestamp_ms() < ms)) ms = e.timestamp_ms();
  }
  return absl::FromUnixMillis(ms > 0 ? ms : f.not_before_ms());
}

std::optional<judge::SeenIssuance> Seen(const store::FindingRecord& f,
                                        const names::DomainName& apex, absl::Time since) {
  if (f.kind() != "certificate") return std::nullopt;
  judge::SeenIssuance seen;
  seen.issued = IssuedAt(f);
  if (seen.issued < since) return std::nullopt;
  seen.ca = !f.issuer().ca_owner().empty() ? f.issuer().ca_owner() : f.issuer().dn();
  seen.identifiers.assign(f.issuer().caa_identifiers().begin(), f.issuer().caa_identifiers().end());
  for (const std::string& n : f.names()) {
    absl::StatusOr<names::DomainName> name = names::DomainName::Parse(n);
    if (name.ok() && name->IsAtOrUnder(apex)) seen.names.push_back(name->str());
  }
  if (seen.names.empty()) return std::nullopt;
  return seen;
}

// The latest stored lookup answer of each query name, read once. A followed zone's RRsets are
// not lookup answers (judge/zone_history.h), so they are left out, as `caa check --at` does.
class LatestAnswers {
 public:
  explicit LatestAnswers(store::Store* store) : store_(store) {}

  caa::CaaAnswer Lookup(const names::DomainName& qname) {
    auto [it, inserted] = latest_.try_emplace(qname.str());
    if (inserted) it->second = Read(qname.str());
    return it->second.answer;
  }
  absl::Time LastSeen(const std::string& qname) const {
    auto it = latest_.find(qname);
    return it == latest_.end() ? absl::InfinitePast() : it->second.last_seen;
  }
  const absl::Status& error() const { return error_; }

 private:
  caa::Observation Read(const std::string& qname) {
    caa::Observation out;
    out.answer.qname = qname;
    out.answer.outcome = caa::LookupOutcome::kOtherError;
    out.answer.error = "never observed";
    out.last_seen = absl::InfinitePast();
    absl::StatusOr<std::vector<store::CaaObservationRecord>> records =
        store_->caa_history().Observations(qname, absl::InfinitePast(), absl::InfiniteFuture());
    if (!records.ok()) {
      error_.Update(records.status());
      return out;
    }
    for (auto r = records->rbegin(); r != records->rend(); ++r) {
      if (r->basis() != "zone") return judge::FromObservationRecord(*r);
    }
    return out;
  }

  store::Store* const store_;
  std::map<std::string, caa::Observation> latest_;
  absl::Status error_;
};

}  // namespace

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
  store::FindingQuery query;
  query.since = advice.since;  // A certificate is recorded after it was issued.
  query.limit = kMaxAdviceCertificates;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::FindingRecord> findings,
                            store.findings().ForName(apex.str(), /*subtree=*/true, query));
  std::vector<judge::SeenIssuance> seen;
  for (const store::FindingRecord& f : findings) {
    if (std::optional<judge::SeenIssuance> s = Seen(f, apex, advice.since)) {
      seen.push_back(std::move(*s));
    }
  }
  advice.certificates = seen.size();
  advice.suggestion = judge::SuggestCaa(seen);
  LatestAnswers latest(&store);
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
