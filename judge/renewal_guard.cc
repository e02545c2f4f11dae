#include "judge/renewal_guard.h"

#include <algorithm>
#include <map>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "caa/relevant_set.h"
#include "ctlog/sha256.h"
#include "judge/caa_suggestion.h"
#include "judge/latest_answers.h"
#include "judge/recent_issuances.h"
#include "names/domain_name.h"
#include "nlohmann/json.hpp"
#include "store/finding_kind.h"
#include "store/verdict.h"

namespace caawatch::judge {
namespace {

std::string RecordText(const caa::CaaRecord& r) {
  return absl::StrCat(r.flags, " ", r.tag, " \"", r.value, "\"");
}

std::string Rfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

// The records in force for one name, and since when: the newest first_seen among the answers
// the relevant set rests on (a change anywhere on the search path is a new state).
struct InForce {
  caa::RelevantSet set;
  absl::Time since = absl::InfinitePast();
};

InForce InForceFor(const names::DomainName& name, LatestAnswers& latest) {
  InForce out;
  out.set = caa::FindRelevantSet(name, [&](const names::DomainName& q) {
    const caa::Observation& o = latest.Latest(q);
    out.since = std::max(out.since, o.first_seen);
    return o.answer;
  });
  return out;
}

std::string RecordsText(const caa::RelevantSet& set) {
  std::vector<std::string> texts;
  for (const caa::CaaRecord& r : set.records) texts.push_back(RecordText(r));
  return absl::StrCat(set.relevant_name, ": ", absl::StrJoin(texts, "; "));
}

store::FindingRecord RenewalFinding(const RenewalWarning& w, const InForce& in_force,
                                    const std::string& changed, absl::Time now) {
  store::FindingRecord f;
  store::SetKind(store::FindingKind::kCaaBreaksRenewal, &f);
  f.set_verdict(store::VerdictName(store::Verdict::kCaaBreaksRenewal));
  f.set_severity(store::SeverityName(store::Severity::kWarning));
  f.add_names(w.name);
  f.add_watched_names(w.name);
  f.mutable_issuer()->set_ca_owner(w.ca);
  f.mutable_issuer()->add_caa_identifiers(w.identifier);
  f.set_reason(absl::StrCat(w.ca, " (", w.identifier, ") issued for ", w.name, " on ",
                            Rfc3339(w.last_issued), " but the CAA records in force since ",
                            Rfc3339(in_force.since), " forbid it: its renewals will fail (",
                            w.reason, ")"));
  f.set_recorded_ms(absl::ToUnixMillis(now));
  f.set_evaluated_ms(absl::ToUnixMillis(now));
  const std::string key = absl::StrCat(w.identifier, std::string(1, '\0'), w.name,
                                       std::string(1, '\0'), absl::ToUnixMillis(in_force.since));
  const ctlog::Sha256Hash hash = ctlog::Sha256(key);
  f.set_renewal_key(std::string(hash.begin(), hash.end()));
  nlohmann::json records = nlohmann::json::array();
  for (const caa::CaaRecord& r : in_force.set.records) records.push_back(RecordText(r));
  const nlohmann::json evidence = {
      {"ca", w.ca},
      {"ca_identifier", w.identifier},
      {"name", w.name},
      {"last_issued", Rfc3339(w.last_issued)},
      {"changed_name", changed},
      {"in_force_since", Rfc3339(in_force.since)},
      {"relevant_name", in_force.set.relevant_name},
      {"records", records},
      {"why", w.reason},
  };
  f.set_evidence(evidence.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  return f;
}

// Whether the latest renewal warning stored for this CA and name was about the same records in
// force: a state that started again after a gap, or a change elsewhere on the path, is no news.
absl::StatusOr<bool> AlreadyWarned(store::Findings& findings, const RenewalWarning& w,
                                   const caa::RelevantSet& set) {
  store::FindingQuery query;
  query.verdicts = {store::VerdictName(store::Verdict::kCaaBreaksRenewal)};
  query.limit = 100;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::FindingRecord> stored,
                            findings.ForName(w.name, /*subtree=*/false, query));
  for (const store::FindingRecord& f : stored) {  // Newest first.
    if (!store::HasKind(f, store::FindingKind::kCaaBreaksRenewal) ||
        f.issuer().caa_identifiers_size() == 0 || f.issuer().caa_identifiers(0) != w.identifier) {
      continue;
    }
    const nlohmann::json evidence = nlohmann::json::parse(f.evidence(), nullptr, false);
    if (evidence.is_discarded() || !evidence.contains("records")) return false;
    nlohmann::json records = nlohmann::json::array();
    for (const caa::CaaRecord& r : set.records) records.push_back(RecordText(r));
    return evidence.value("relevant_name", "") == set.relevant_name &&
           evidence["records"] == records;
  }
  return false;
}

bool AllowedWhenIssued(const std::string& verdict) {
  return verdict == store::VerdictName(store::Verdict::kPermitted) ||
         verdict == store::VerdictName(store::Verdict::kPermittedConditional) ||
         verdict == store::VerdictName(store::Verdict::kUnexpectedIssuer);
}

}  // namespace

RenewalGuard::RenewalGuard(RenewalGuardDeps deps, RenewalGuardOptions options)
    : deps_(deps), options_(options) {}

void RenewalGuard::Note(const NewObservation& observation) {
  absl::MutexLock lock(&mu_);
  if (pending_.size() >= options_.max_pending_names && !pending_.count(observation.query_name)) {
    ++dropped_;
    return;
  }
  pending_.insert(observation.query_name);
}

absl::StatusOr<size_t> RenewalGuard::RunPending() {
  std::set<std::string> pending;
  size_t dropped = 0;
  {
    absl::MutexLock lock(&mu_);
    pending.swap(pending_);
    std::swap(dropped, dropped_);
  }
  if (dropped > 0 && deps_.logger != nullptr) {
    deps_.logger->Log(LogLevel::kWarning, "renewal",
                      absl::StrCat(dropped,
                                   " CAA changes were not checked for broken renewals: "
                                   "more than ",
                                   options_.max_pending_names, " names changed at once"));
  }
  const absl::Time now = deps_.clock->Now();
  LatestAnswers latest(deps_.store, deps_.zones);
  store::CommitRequest request;
  std::map<std::string, std::string> records_by_key;  // For the log line.
  for (const std::string& changed : pending) {
    absl::StatusOr<names::DomainName> apex = names::DomainName::Parse(changed);
    if (!apex.ok()) continue;
    absl::StatusOr<std::vector<SeenIssuance>> seen = RecentIssuances(
        deps_.store->findings(), *apex, now - options_.recent, options_.max_certificates);
    if (!seen.ok()) {
      absl::MutexLock lock(&mu_);
      pending_.insert(pending.begin(), pending.end());
      return seen.status();
    }
    std::map<std::string, InForce> in_force_by_name;
    auto in_force = [&](const names::DomainName& n) -> caa::RelevantSet {
      auto it = in_force_by_name.find(n.str());
      if (it == in_force_by_name.end()) {
        it = in_force_by_name.emplace(n.str(), InForceFor(n, latest)).first;
      }
      return it->second.set;
    };
    // Only issuances CAA allowed when they were made: a renewal of one that was forbidden or
    // never judged against the CAA of its time (no_data) is no renewal a change breaks.
    std::erase_if(*seen, [](const SeenIssuance& s) { return !AllowedWhenIssued(s.verdict); });
    for (const RenewalWarning& w : RenewalsForbidden(*seen, in_force)) {
      const InForce& state = in_force_by_name.at(w.name);
      // A CA whose last issuance the same records already forbade is a forbidden finding of
      // its own (judged at issuance), not a renewal broken by a change.
      if (state.since <= w.last_issued) continue;
      absl::StatusOr<bool> warned = AlreadyWarned(deps_.store->findings(), w, state.set);
      if (!warned.ok()) {
        absl::MutexLock lock(&mu_);
        pending_.insert(pending.begin(), pending.end());
        return warned.status();
      }
      if (*warned) continue;
      store::FindingRecord f = RenewalFinding(w, state, changed, now);
      if (!records_by_key.emplace(f.renewal_key(), RecordsText(state.set)).second) continue;
      request.findings.push_back(std::move(f));
    }
  }
  if (!latest.error().ok() && deps_.logger != nullptr) {
    deps_.logger->Log(LogLevel::kWarning, "renewal",
                      absl::StrCat("reading the CAA in force: ", latest.error().message()));
  }
  if (request.findings.empty()) return 0;
  absl::StatusOr<store::CommitResult> result = deps_.store->findings().Commit(std::move(request));
  if (!result.ok()) {
    absl::MutexLock lock(&mu_);
    pending_.insert(pending.begin(), pending.end());
    return result.status();
  }
  for (const store::FindingRecord& f : result->created) {
    if (deps_.logger != nullptr) {
      deps_.logger->Log(LogLevel::kWarning, "renewal",
                        absl::StrCat("caa_breaks_renewal: ", f.reason(), "; records in force: ",
                                     QuoteInput(records_by_key[f.renewal_key()])));
    }
  }
  if (!result->created.empty()) deps_.alerts->Publish(result->created.back().seq());
  return result->created.size();
}

}  // namespace caawatch::judge
