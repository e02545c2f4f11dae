#include "caa/issuance_window.h"

#include <algorithm>
#include <map>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/time_text.h"
#include "caa/relevant_set.h"

namespace caawatch::caa {
namespace {

enum class StateBasis { kObserved, kInterpolated, kAncestorBased, kUncovered };

struct States {
  std::vector<const Observation*> states;
  StateBasis basis = StateBasis::kObserved;
};

// The states `query_name` can have had in [from, to]. Observations overlapping the range are
// certain; a gap between two observations means either side's state may have held; a name first
// observed only after the range counts as empty throughout only if its first answer (failed
// lookups skipped) is empty (its own records unobserved: the parents decide).
States StatesIn(const std::vector<Observation>& history, absl::Time from, absl::Time to) {
  States out;
  const Observation* before = nullptr;
  const Observation* after = nullptr;
  for (const Observation& o : history) {
    if (o.first_seen <= to && o.last_seen >= from) {
      out.states.push_back(&o);
    } else if (o.last_seen < from) {
      before = &o;
    } else if (o.first_seen > to && after == nullptr) {
      after = &o;
    }
  }
  if (!out.states.empty()) {
    // Unobserved stretches at either end of the range may have held the neighbouring state.
    if (after != nullptr && out.states.back()->last_seen < to) {
      out.states.push_back(after);
      out.basis = StateBasis::kInterpolated;
    }
    if (before != nullptr && out.states.front()->first_seen > from) {
      out.states.insert(out.states.begin(), before);
      out.basis = StateBasis::kInterpolated;
    }
    return out;
  }
  if (before != nullptr) {
    out.states.push_back(before);
    if (after != nullptr) out.states.push_back(after);
    out.basis = StateBasis::kInterpolated;
    return out;
  }
  // A failed lookup after the range says nothing about the name's state in it; the first
  // answer after it does (it may come late: re-evaluation picks it up).
  const Observation* first_answer = nullptr;
  for (const Observation& o : history) {
    if (o.first_seen > to && o.answer.is_answer()) {
      first_answer = &o;
      break;
    }
  }
  if (first_answer != nullptr && first_answer->answer.records.empty()) {
    out.states.push_back(first_answer);
    out.basis = StateBasis::kAncestorBased;
    return out;
  }
  out.basis = StateBasis::kUncovered;
  return out;
}

class Enumerator {
 public:
  Enumerator(const IssuanceFacts& facts, std::vector<std::string> path,
             std::map<std::string, std::vector<Observation>>* histories,
             const WindowOptions& options)
      : facts_(facts), path_(std::move(path)), histories_(histories), options_(options) {}

  // Every evaluation reachable from states in [from, to]; false if a reached name is uncovered.
  bool Run(absl::Time from, absl::Time to) {
    from_ = from;
    to_ = to;
    results_.clear();
    chosen_.clear();
    uncovered_ = false;
    Step(0);
    return !uncovered_;
  }
  const std::vector<NameEvaluation>& results() const { return results_; }
  const std::vector<const Observation*>& used() const { return used_; }
  StateBasis worst_basis() const { return worst_basis_; }

 private:
  void Step(size_t i) {
    if (results_.size() >= options_.max_combinations || uncovered_) return;
    if (i == path_.size()) return Leaf();
    const States s = StatesIn((*histories_)[path_[i]], from_, to_);
    if (s.basis == StateBasis::kUncovered) {
      uncovered_ = true;
      return;
    }
    worst_basis_ = std::max(worst_basis_, s.basis);
    for (const Observation* o : s.states) {
      if (std::find(used_.begin(), used_.end(), o) == used_.end()) used_.push_back(o);
      chosen_[path_[i]] = &o->answer;
      // A failure or a non-empty answer ends the climb here; only empty answers continue it.
      if (!o->answer.is_answer() || !o->answer.records.empty()) {
        Leaf();
      } else {
        Step(i + 1);
      }
      chosen_.erase(path_[i]);
    }
  }

  void Leaf() {
    const RelevantSet set =
        FindRelevantSet(facts_.dns_name, [this](const names::DomainName& qname) {
          auto it = chosen_.find(qname.str());
          if (it != chosen_.end()) return *it->second;
          CaaAnswer empty;  // Names past the chosen stop are never consulted.
          empty.qname = qname.str();
          return empty;
        });
    results_.push_back(EvaluateName(facts_.dns_name, set, facts_.ca_identifiers));
  }

  const IssuanceFacts& facts_;
  const std::vector<std::string> path_;
  std::map<std::string, std::vector<Observation>>* histories_;
  const WindowOptions& options_;
  absl::Time from_, to_;
  std::map<std::string, const CaaAnswer*> chosen_;
  std::vector<NameEvaluation> results_;
  std::vector<const Observation*> used_;
  StateBasis worst_basis_ = StateBasis::kObserved;
  bool uncovered_ = false;
};

const char* BasisName(StateBasis basis) {
  switch (basis) {
    case StateBasis::kObserved:
      return "observed";
    case StateBasis::kInterpolated:
      return "interpolated";
    case StateBasis::kAncestorBased:
      return "ancestor_based";
    case StateBasis::kUncovered:
      return "later_observation";
  }
  return "?";
}

const NameEvaluation* FirstWith(const std::vector<NameEvaluation>& evals, NameVerdict v) {
  for (const NameEvaluation& e : evals) {
    if (e.verdict == v) return &e;
  }
  return nullptr;
}

// The evaluation against the first observation of each name at or after `t`: used when no
// history covers the window (SPEC §2 no_data, caa-rules.md §8.3).
std::optional<NameEvaluation> Retrospective(const IssuanceFacts& facts,
                                            const std::vector<std::string>& path,
                                            std::map<std::string, std::vector<Observation>>* h,
                                            absl::Time t, absl::Duration* delay,
                                            std::vector<const Observation*>* used) {
  std::map<std::string, const CaaAnswer*> first_after;
  absl::Time latest = t;
  for (const std::string& q : path) {
    // The first answer at or after t; a failed lookup only if no answer followed it.
    const Observation* chosen = nullptr;
    for (const Observation& o : (*h)[q]) {
      if (o.last_seen < t) continue;
      if (chosen == nullptr) chosen = &o;
      if (o.answer.is_answer()) {
        chosen = &o;
        break;
      }
    }
    if (chosen != nullptr) {
      first_after[q] = &chosen->answer;
      latest = std::max(latest, chosen->first_seen);
      used->push_back(chosen);
    }
  }
  bool missing = false;
  const RelevantSet set = FindRelevantSet(facts.dns_name, [&](const names::DomainName& qname) {
    auto it = first_after.find(qname.str());
    if (it != first_after.end()) return *it->second;
    missing = true;
    CaaAnswer failed;
    failed.qname = qname.str();
    failed.outcome = LookupOutcome::kOtherError;
    failed.error = "never observed";
    return failed;
  });
  if (missing && set.outcome == RelevantSetOutcome::kIndeterminate) return std::nullopt;
  *delay = latest - t;
  return EvaluateName(facts.dns_name, set, facts.ca_identifiers);
}

}  // namespace

IssuanceEvaluation EvaluateAtIssuance(const IssuanceFacts& facts, const ObservationHistory& history,
                                      const WindowOptions& options) {
  std::vector<std::string> path;  // The histories are kept by the text of each query name.
  for (const names::DomainName& q : SearchNames(facts.dns_name)) path.push_back(q.str());
  std::map<std::string, std::vector<Observation>> histories;
  for (const std::string& q : path) histories[q] = history(q);

  const absl::Time t = facts.earliest_timestamp;
  // TTL: the largest authoritative TTL seen on the path near issuance, capped.
  absl::Duration ttl = absl::ZeroDuration();
  for (const auto& [q, obs] : histories) {
    for (const Observation& o : obs) {
      if (o.first_seen <= t && o.last_seen >= t - options.max_ttl - options.min_check_validity) {
        ttl = std::max(ttl, absl::Seconds(o.answer.ttl));
      }
    }
  }
  ttl = std::min(ttl, options.max_ttl);
  const absl::Duration w = std::max(options.min_check_validity, ttl);

  IssuanceEvaluation out;
  out.window_end = t;
  out.window_start = t - w - ttl;
  out.wide_window_start =
      std::min(out.window_start, facts.not_before - options.not_before_slack - w - ttl);

  Enumerator narrow(facts, path, &histories, options);
  const bool covered = narrow.Run(out.window_start, t);
  if (!covered) {
    out.verdict = IssuanceVerdict::kNoData;
    out.basis = BasisName(StateBasis::kUncovered);
    std::vector<const Observation*> used;
    std::optional<NameEvaluation> retro =
        Retrospective(facts, path, &histories, t, &out.retrospective_delay, &used);
    for (const Observation* o : used) out.used.push_back(*o);
    if (retro) {
      out.retrospective = retro->verdict;
      out.decisive = *retro;
      out.reason = absl::StrCat(
          "no CAA observation covers the issuance window; evaluated against "
          "the state observed ",
          FormatDurationDaysHours(out.retrospective_delay), " after issuance: ", retro->reason);
    } else {
      out.reason = "no CAA observation covers the issuance window, nor any later one";
    }
    return out;
  }
  for (const Observation* o : narrow.used()) out.used.push_back(*o);
  out.basis = BasisName(narrow.worst_basis());
  const std::vector<NameEvaluation>& evals = narrow.results();
  if (const NameEvaluation* e = FirstWith(evals, NameVerdict::kPermitted)) {
    out.verdict = IssuanceVerdict::kPermitted;
    out.decisive = *e;
  } else if (const NameEvaluation* e = FirstWith(evals, NameVerdict::kPermittedConditional)) {
    out.verdict = IssuanceVerdict::kPermittedConditional;
    out.decisive = *e;
  } else if (const NameEvaluation* e = FirstWith(evals, NameVerdict::kIndeterminate)) {
    out.verdict = IssuanceVerdict::kDnsIndeterminate;
    out.decisive = *e;
  } else if (!evals.empty()) {
    out.decisive = evals.front();
    Enumerator wide(facts, path, &histories, options);
    wide.Run(out.wide_window_start, t);
    const bool wide_permits = FirstWith(wide.results(), NameVerdict::kPermitted) != nullptr ||
                              FirstWith(wide.results(), NameVerdict::kPermittedConditional);
    out.verdict = wide_permits ? IssuanceVerdict::kLikelyForbidden : IssuanceVerdict::kForbidden;
  }
  if (evals.size() > 1 && out.verdict == IssuanceVerdict::kPermitted &&
      (FirstWith(evals, NameVerdict::kForbidden) != nullptr)) {
    out.reason = absl::StrCat(out.decisive.reason, " (CAA changed inside the window)");
  } else {
    out.reason = out.decisive.reason;
  }
  return out;
}

}  // namespace caawatch::caa
