#include "judge/reevaluator.h"

#include <algorithm>
#include <functional>
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "caa/relevant_set.h"
#include "google/protobuf/util/message_differencer.h"
#include "judge/verdict_order.h"
#include "names/domain_name.h"
#include "store/finding_kind.h"
#include "store/keys.h"

namespace caawatch::judge {
namespace {

// Whether two evaluations say the same thing. Observation evidence alone (a last_seen that
// grew) is no reason to store a new revision.
bool SameEvaluation(const store::FindingRecord& a, const store::FindingRecord& b) {
  if (a.verdict() != b.verdict() || a.severity() != b.severity() || a.reason() != b.reason() ||
      a.issuer().ca_owner() != b.issuer().ca_owner() || a.caa_size() != b.caa_size()) {
    return false;
  }
  for (int i = 0; i < a.caa_size(); ++i) {
    const store::CaaNameRecord& x = a.caa(i);
    const store::CaaNameRecord& y = b.caa(i);
    if (x.name() != y.name() || x.verdict() != y.verdict() || x.basis() != y.basis() ||
        x.relevant_name() != y.relevant_name() || x.reason() != y.reason() ||
        x.retrospective_verdict() != y.retrospective_verdict() ||
        x.records_size() != y.records_size()) {
      return false;
    }
    for (int r = 0; r < x.records_size(); ++r) {
      if (!google::protobuf::util::MessageDifferencer::Equals(x.records(r), y.records(r))) {
        return false;
      }
    }
  }
  return true;
}

}  // namespace

Reevaluator::Reevaluator(ReevaluatorDeps deps, ReevaluatorOptions options)
    : deps_(deps), options_(options) {}

void Reevaluator::Note(const NewObservation& observation) {
  const absl::Duration ttl = std::min(absl::Seconds(observation.ttl), options_.max_ttl);
  const absl::Duration reach = std::max(options_.min_check_validity, ttl) + options_.slack;
  // Not bounded below by the previous observation: when that one was a failed lookup made
  // after a finding's issuance, the finding's evaluation waits for exactly this answer.
  const Range range{observation.first_seen - reach, observation.first_seen};
  absl::MutexLock lock(&mu_);
  auto merge = [&range](Range* into) {
    into->from = std::min(into->from, range.from);
    into->to = std::max(into->to, range.to);
  };
  if (overflow_) return merge(&*overflow_);
  auto it = pending_.find(observation.query_name);
  if (it != pending_.end()) return merge(&it->second);
  if (pending_.size() < options_.max_pending_names) {
    pending_.emplace(observation.query_name, range);
    return;
  }
  // Too many names at once: judge everything in the united time range instead.
  overflow_ = range;
  for (const auto& entry : pending_) {
    overflow_->from = std::min(overflow_->from, entry.second.from);
    overflow_->to = std::max(overflow_->to, entry.second.to);
  }
  pending_.clear();
}

absl::StatusOr<ReevaluationStats> Reevaluator::RunPending() {
  std::map<std::string, Range> pending;
  std::optional<Range> overflow;
  {
    absl::MutexLock lock(&mu_);
    pending.swap(pending_);
    overflow.swap(overflow_);
  }
  // Every affected finding once, however many of the names it reads were noted.
  std::map<std::string, store::FindingRecord> affected;
  std::map<std::string, std::set<std::string>> names_by_finding;
  // Reads the findings issued in [from, to] once and keeps those for which `reads` names noted
  // names that affect them.
  auto collect = [&](const Range& range, absl::string_view what,
                     const std::function<std::set<std::string>(const store::FindingRecord&)>& reads)
      -> absl::Status {
    CAAWATCH_ASSIGN_OR_RETURN(
        std::vector<store::FindingRecord> found,
        deps_.findings->IssuedBetween(range.from, range.to, options_.max_findings_per_run));
    if (found.size() >= options_.max_findings_per_run && deps_.logger != nullptr) {
      deps_.logger->Log(LogLevel::kWarning, "reevaluate",
                        absl::StrCat("more than ", options_.max_findings_per_run,
                                     " findings in the range of a new observation of ", what,
                                     "; only the oldest are judged again"));
    }
    for (store::FindingRecord& f : found) {
      const std::set<std::string> names = reads(f);
      if (names.empty()) continue;
      // Memory stays bounded: one run judges at most max_findings_per_run findings.
      if (affected.size() >= options_.max_findings_per_run && !affected.count(f.tbs_sha256())) {
        continue;
      }
      names_by_finding[f.tbs_sha256()].insert(names.begin(), names.end());
      affected.emplace(f.tbs_sha256(), std::move(f));
    }
    return absl::OkStatus();
  };
  absl::Status status;
  if (overflow) {
    status = collect(*overflow, "several names", [](const store::FindingRecord&) {
      return std::set<std::string>{"several names"};
    });
  }
  // The noted names' ranges, merged where they overlap: each stretch of time is read once
  // however many names were noted in it (a batch of first sightings notes hundreds at once),
  // and a finding is kept when it reads a name noted for a range holding its issuance.
  std::vector<std::pair<Range, std::string>> by_time;
  for (const auto& [name, range] : pending) by_time.emplace_back(range, name);
  std::sort(by_time.begin(), by_time.end(),
            [](const auto& a, const auto& b) { return a.first.from < b.first.from; });
  for (size_t i = 0; i < by_time.size() && status.ok();) {
    Range stretch = by_time[i].first;
    size_t end = i + 1;
    while (end < by_time.size() && by_time[end].first.from <= stretch.to) {
      stretch.to = std::max(stretch.to, by_time[end].first.to);
      ++end;
    }
    const std::string what = end - i == 1 ? by_time[i].second : "several names";
    status = collect(stretch, what, [&](const store::FindingRecord& f) {
      const absl::Time issued = absl::FromUnixMillis(store::IssuedMs(f));
      std::set<std::string> names;
      for (const store::CaaNameRecord& c : f.caa()) {
        // A stored name that is no DomainName was judged without a search path: no answer
        // bears on it.
        const absl::StatusOr<names::DomainName> name = names::DomainName::Parse(c.name());
        if (!name.ok()) continue;
        for (const names::DomainName& q : caa::SearchNames(*name)) {
          const auto it = pending.find(q.str());
          if (it != pending.end() && issued >= it->second.from && issued <= it->second.to) {
            names.insert(q.str());
          }
        }
      }
      return names;
    });
    i = end;
  }
  ReevaluationStats stats;
  for (const auto& [tbs, finding] : affected) {
    if (!status.ok()) break;
    status =
        Apply({finding},
              absl::StrCat("new CAA observation of ", absl::StrJoin(names_by_finding[tbs], ", ")),
              &stats);
  }
  if (!status.ok()) {
    // Keep the notes: the next run retries them.
    absl::MutexLock lock(&mu_);
    for (const auto& [name, range] : pending) {
      auto [it, inserted] = pending_.emplace(name, range);
      if (!inserted) {
        it->second.from = std::min(it->second.from, range.from);
        it->second.to = std::max(it->second.to, range.to);
      }
    }
    if (overflow && !overflow_) overflow_ = overflow;
    return status;
  }
  return stats;
}

absl::StatusOr<ReevaluationStats> Reevaluator::ReevaluateUnknownIssuers() {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> unknown,
                            deps_.findings->WithUnknownIssuer(options_.max_findings_per_run));
  const std::shared_ptr<const caa::IssuerMap> map = deps_.evaluator->issuers().Current();
  std::vector<store::FindingRecord> known_now;
  for (store::FindingRecord& f : unknown) {
    if (map->Lookup(IssuanceEvaluator::IssuerFactsOf(f.issuer())))
      known_now.push_back(std::move(f));
  }
  ReevaluationStats stats;
  CAAWATCH_RETURN_IF_ERROR(Apply(known_now, "CA identifier map updated", &stats));
  return stats;
}

absl::Status Reevaluator::Apply(const std::vector<store::FindingRecord>& candidates,
                                const std::string& because, ReevaluationStats* stats) {
  const std::shared_ptr<const watch::Watchlist> watchlist = deps_.watches->Current();
  const absl::Time now = deps_.clock->Now();
  std::vector<store::FindingUpdate> updates;
  for (const store::FindingRecord& stored : candidates) {
    if (!store::HasKind(stored, store::FindingKind::kCertificate) ||
        RatingOf(stored).verdict == store::Verdict::kExempt) {
      continue;
    }
    ++stats->examined;
    const std::vector<std::string> names(stored.names().begin(), stored.names().end());
    CAAWATCH_ASSIGN_OR_RETURN(
        store::FindingRecord fresh,
        deps_.evaluator->Reevaluate(stored, IssuanceEvaluator::FindHits(*watchlist, names), now));
    if (SameEvaluation(fresh, stored)) continue;
    store::FindingUpdate u;
    u.alert = DeservesNewAlert(RatingOf(fresh), RatingOf(stored))
                  ? store::FindingUpdate::Alert::kNewSeq
                  : store::FindingUpdate::Alert::kKeepSeq;
    u.based_on_revision = stored.history_size();
    u.because = because;
    u.finding = std::move(fresh);
    updates.push_back(std::move(u));
  }
  if (updates.empty()) return absl::OkStatus();
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> applied,
                            deps_.findings->Update(std::move(updates)));
  uint64_t last_new_seq = 0;
  for (const store::FindingRecord& f : applied) {
    ++stats->changed;
    const store::FindingRevisionRecord& old = f.history(f.history_size() - 1);
    const bool realerted = old.seq() != f.seq();
    if (realerted) {
      ++stats->realerted;
      last_new_seq = std::max(last_new_seq, f.seq());
    }
    if (deps_.logger != nullptr) {
      deps_.logger->Log(realerted ? LogLevel::kWarning : LogLevel::kInfo, "reevaluate",
                        absl::StrCat("finding ", f.first_seq() != 0 ? f.first_seq() : f.seq(), ": ",
                                     old.verdict(), " -> ", f.verdict(), " (", because,
                                     realerted ? absl::StrCat("; new alert ", f.seq()) : "", ")"));
    }
  }
  if (last_new_seq != 0) deps_.alerts->Publish(last_new_seq);
  return absl::OkStatus();
}

}  // namespace caawatch::judge
