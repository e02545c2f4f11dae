#include "judge/reevaluator.h"

#include <algorithm>
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
  ReevaluationStats stats;
  // Every affected finding once, however many of the noted names reach it: the first time it
  // is read, all the noted names that bear on it are known.
  std::set<std::string> judged;
  auto judge = [&](const store::FindingRecord& f, const std::set<std::string>& names) {
    if (names.empty() || !judged.insert(f.tbs_sha256()).second) return absl::OkStatus();
    return Apply({f}, absl::StrCat("new CAA observation of ", absl::StrJoin(names, ", ")), &stats);
  };
  // The noted names whose ranges hold a finding's issuance and which lie on the CAA search path
  // of one of its names.
  auto noted_names_of = [&pending](const store::FindingRecord& f) {
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
  };
  const size_t page = std::max<size_t>(options_.findings_per_page, 1);
  absl::Status status;
  // Too many names at once: every finding issued in the united range, in pages by issuance.
  if (overflow) {
    const std::set<std::string> several = {"several names"};
    for (absl::Time from = overflow->from; status.ok();) {
      absl::StatusOr<std::vector<store::FindingRecord>> found =
          deps_.findings->IssuedBetween(from, overflow->to, page);
      if (!found.ok()) {
        status = found.status();
        break;
      }
      for (const store::FindingRecord& f : *found) {
        if (status.ok()) status = judge(f, several);
      }
      if (found->size() < page) break;
      // The next page starts at the last one's issuance (its findings judged already are
      // skipped); a page that ends where it started (that many findings in one millisecond)
      // moves on by a millisecond.
      const absl::Time last = absl::FromUnixMillis(store::IssuedMs(found->back()));
      from = last > from ? last : from + absl::Milliseconds(1);
    }
  }
  // Each noted name: the findings at or below it issued in its range, through the name index,
  // so that the cost follows the findings of that name and not everything issued meanwhile.
  for (const auto& [name, range] : pending) {
    for (uint64_t after_seq = 0; status.ok();) {
      absl::StatusOr<std::vector<store::FindingRecord>> found =
          deps_.findings->IssuedBetweenUnder(name, range.from, range.to, after_seq, page);
      if (!found.ok()) {
        status = found.status();
        break;
      }
      for (const store::FindingRecord& f : *found) {
        if (status.ok()) status = judge(f, noted_names_of(f));
      }
      if (found->size() < page) break;
      after_seq = found->back().seq();
    }
  }
  if (!status.ok()) {
    // Keep the notes: the next run retries them (the findings judged already compare equal).
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
  const std::shared_ptr<const caa::IssuerMap> map = deps_.evaluator->issuers().Current();
  const size_t page = std::max<size_t>(options_.findings_per_page, 1);
  ReevaluationStats stats;
  std::optional<store::FindingRecord> last;  // Of the previous page.
  for (;;) {
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> unknown,
                              deps_.findings->WithUnknownIssuer(page, last ? &*last : nullptr));
    if (unknown.empty()) break;
    const bool more = unknown.size() >= page;
    last = unknown.back();
    std::vector<store::FindingRecord> known_now;
    for (store::FindingRecord& f : unknown) {
      if (map->Lookup(IssuanceEvaluator::IssuerFactsOf(f.issuer()))) {
        known_now.push_back(std::move(f));
      }
    }
    CAAWATCH_RETURN_IF_ERROR(Apply(known_now, "CA identifier map updated", &stats));
    if (!more) break;
  }
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
