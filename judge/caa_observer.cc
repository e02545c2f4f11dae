#include "judge/caa_observer.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "caa/relevant_set.h"

namespace caawatch::judge {
namespace {

int64_t ToMs(absl::Time t) { return absl::ToUnixMillis(t); }

caa::LookupOutcome OutcomeFromName(const std::string& name) {
  using caa::LookupOutcome;
  if (name == "noerror") return LookupOutcome::kNoError;
  if (name == "nxdomain") return LookupOutcome::kNxDomain;
  if (name == "servfail") return LookupOutcome::kServFail;
  if (name == "refused") return LookupOutcome::kRefused;
  if (name == "timeout") return LookupOutcome::kTimeout;
  if (name == "bogus") return LookupOutcome::kBogus;
  return LookupOutcome::kOtherError;
}

caa::DnssecStatus DnssecFromName(const std::string& name) {
  using caa::DnssecStatus;
  if (name == "secure") return DnssecStatus::kSecure;
  if (name == "insecure") return DnssecStatus::kInsecure;
  if (name == "bogus") return DnssecStatus::kBogus;
  if (name == "off") return DnssecStatus::kOff;
  return DnssecStatus::kIndeterminate;
}

}  // namespace

const char* OutcomeName(caa::LookupOutcome outcome) {
  using caa::LookupOutcome;
  switch (outcome) {
    case LookupOutcome::kNoError:
      return "noerror";
    case LookupOutcome::kNxDomain:
      return "nxdomain";
    case LookupOutcome::kServFail:
      return "servfail";
    case LookupOutcome::kRefused:
      return "refused";
    case LookupOutcome::kTimeout:
      return "timeout";
    case LookupOutcome::kBogus:
      return "bogus";
    case LookupOutcome::kOtherError:
      return "error";
  }
  return "error";
}

const char* DnssecName(caa::DnssecStatus status) {
  using caa::DnssecStatus;
  switch (status) {
    case DnssecStatus::kSecure:
      return "secure";
    case DnssecStatus::kInsecure:
      return "insecure";
    case DnssecStatus::kBogus:
      return "bogus";
    case DnssecStatus::kIndeterminate:
      return "indeterminate";
    case DnssecStatus::kOff:
      return "off";
  }
  return "indeterminate";
}

store::CaaObservationRecord ToObservationRecord(const caa::CaaAnswer& answer) {
  store::CaaObservationRecord r;
  r.set_query_name(answer.qname);
  r.set_first_seen_ms(ToMs(answer.observed_at));
  r.set_last_seen_ms(ToMs(answer.observed_at));
  r.set_rcode(answer.rcode);
  r.set_outcome(OutcomeName(answer.outcome));
  r.set_dnssec(DnssecName(answer.dnssec));
  r.set_ttl(answer.ttl);
  for (const caa::CaaRecord& rec : answer.records) {
    store::CaaRecordPb* pb = r.add_records();
    pb->set_flags(rec.flags);
    pb->set_tag(rec.tag);
    pb->set_value(rec.value);
  }
  for (const std::string& c : answer.cname_chain) r.add_cname_chain(c);
  r.set_raw_answer(answer.raw_answer);
  r.set_error(answer.error);
  return r;
}

caa::Observation FromObservationRecord(const store::CaaObservationRecord& r) {
  caa::Observation o;
  o.answer.qname = r.query_name();
  o.answer.outcome = OutcomeFromName(r.outcome());
  o.answer.rcode = r.rcode();
  o.answer.dnssec = DnssecFromName(r.dnssec());
  o.answer.ttl = r.ttl();
  for (const store::CaaRecordPb& pb : r.records()) {
    o.answer.records.push_back(
        caa::CaaRecord{static_cast<uint8_t>(pb.flags()), pb.tag(), pb.value()});
  }
  o.answer.cname_chain.assign(r.cname_chain().begin(), r.cname_chain().end());
  o.answer.raw_answer = r.raw_answer();
  o.answer.error = r.error();
  o.first_seen = absl::FromUnixMillis(r.first_seen_ms());
  o.last_seen = absl::FromUnixMillis(r.last_seen_ms());
  o.answer.observed_at = o.last_seen;
  return o;
}

CaaObserver::CaaObserver(caa::CaaResolver* resolver, store::CaaHistory* history, const Clock* clock,
                         CaaObserverOptions options)
    : resolver_(resolver), history_(history), clock_(clock), options_(options) {}

bool CaaObserver::RecentlyObserved(const std::string& query_name, absl::Time now) {
  absl::MutexLock lock(&mu_);
  auto it = last_lookup_.find(query_name);
  return it != last_lookup_.end() && now - it->second < options_.min_requery;
}

// Only once the answer is in the store: a caller that skips a recent name reads its history
// next, and must find the answer there, not one still being looked up by another thread.
void CaaObserver::NoteObserved(const std::string& query_name, absl::Time when) {
  absl::MutexLock lock(&mu_);
  if (last_lookup_.size() >= options_.max_remembered_names) last_lookup_.clear();
  last_lookup_[query_name] = when;
}

void CaaObserver::Announce(const caa::CaaAnswer& answer) const {
  if (!options_.on_new_observation) return;
  NewObservation n;
  n.query_name = answer.qname;
  n.first_seen = answer.observed_at;
  n.ttl = answer.ttl;
  options_.on_new_observation(n);
}

absl::StatusOr<CaaObserver::BatchResult> CaaObserver::ObserveMany(
    absl::Span<const names::DomainName> query_names, const std::function<bool()>& cancelled) {
  std::vector<caa::CaaAnswer> answers = resolver_->LookupMany(query_names, cancelled);
  if (cancelled && cancelled()) return absl::CancelledError("CAA lookups cancelled");
  std::vector<store::CaaObservationRecord> records;
  records.reserve(answers.size());
  BatchResult result;
  result.answered.reserve(answers.size());
  for (caa::CaaAnswer& answer : answers) {
    if (answer.observed_at == absl::InfinitePast()) answer.observed_at = clock_->Now();
    result.answered.push_back(answer.is_answer());
    lookup_counts_.Count(answer.outcome, answer.dnssec);
    if (!answer.is_answer()) {
      ++result.failures;
      ++result.failures_by_outcome[OutcomeName(answer.outcome)];
      if (result.first_failure.empty()) {
        result.first_failure = absl::StrCat(answer.qname, ": ", OutcomeName(answer.outcome),
                                            answer.error.empty() ? "" : " (", answer.error,
                                            answer.error.empty() ? "" : ")");
      }
    }
    records.push_back(ToObservationRecord(answer));
  }
  absl::StatusOr<std::vector<store::RecordedObservation>> recorded =
      history_->RecordAll(records, options_.max_gap);
  if (!recorded.ok()) return Annotate(recorded.status(), "record CAA answers");
  for (size_t i = 0; i < answers.size(); ++i) {
    if ((*recorded)[i].kind == store::RecordedObservation::Kind::kStarted) {
      ++result.started;
      Announce(answers[i]);
    }
    if (options_.on_answer_recorded) options_.on_answer_recorded(answers[i].qname);
  }
  return result;
}

absl::Status CaaObserver::ObservePath(const names::DomainName& name) {
  return ObservePaths(absl::MakeConstSpan(&name, 1));
}

absl::Status CaaObserver::ObservePaths(absl::Span<const names::DomainName> domains) {
  constexpr size_t kRound = 1000;
  const absl::Time now = clock_->Now();
  absl::flat_hash_set<std::string> asked;
  std::vector<names::DomainName> round;
  const auto flush = [&]() -> absl::Status {
    if (round.empty()) return absl::OkStatus();
    CAAWATCH_RETURN_IF_ERROR(ObserveMany(round).status());
    for (const names::DomainName& q : round)
      NoteObserved(q.str(), now);  // Recorded: History finds them.
    round.clear();
    return absl::OkStatus();
  };
  for (const names::DomainName& name : domains) {
    for (names::DomainName& q : caa::SearchNames(name)) {
      if (RecentlyObserved(q.str(), now) || !asked.insert(q.str()).second) continue;
      round.push_back(std::move(q));
      if (round.size() == kRound) CAAWATCH_RETURN_IF_ERROR(flush());
    }
  }
  return flush();
}

absl::StatusOr<std::vector<caa::Observation>> CaaObserver::History(const std::string& query_name) {
  CAAWATCH_ASSIGN_OR_RETURN(
      std::vector<store::CaaObservationRecord> records,
      history_->Observations(query_name, absl::InfinitePast(), absl::InfiniteFuture()));
  std::vector<caa::Observation> out;
  out.reserve(records.size());
  for (const store::CaaObservationRecord& r : records) {
    // A followed zone's RRsets at an owner, not lookup answers (judge/zone_history.h).
    if (r.basis() == "zone") continue;
    out.push_back(FromObservationRecord(r));
  }
  return out;
}

}  // namespace caawatch::judge
