// Observes CAA for the monitor: looks up every name on a certificate name's RFC 8659 search
// path, records each answer in the store's CAA history, and reads that history back for the
// evaluation at issuance time. Thread-safe.
#ifndef CAAWATCH_JUDGE_CAA_OBSERVER_H_
#define CAAWATCH_JUDGE_CAA_OBSERVER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "base/clock.h"
#include "caa/caa_answer.h"
#include "caa/issuance_window.h"
#include "caa/resolver.h"
#include "judge/caa_lookup_counts.h"
#include "names/domain_name.h"
#include "store/caa_history.h"

namespace caawatch::judge {

// An answer that started a new observation (it differs from the name's previous one, or follows
// a gap): late data that may change findings evaluated before it was seen.
struct NewObservation {
  std::string query_name;
  absl::Time first_seen;
  uint32_t ttl = 0;  // Authoritative TTL of the new answer.
};

struct CaaObserverOptions {
  // A name looked up less than this long ago is not asked again: a burst of certificates for
  // one domain costs one lookup per name.
  absl::Duration min_requery = absl::Seconds(30);
  size_t max_remembered_names = 200000;  // Bound on the recent-lookup memory.
  // An unchanged answer seen again within this of the previous sighting extends that
  // observation; after a longer silence (downtime, a missed poll) it starts a new one. Set it
  // above the CAA poll interval.
  absl::Duration max_gap = absl::Hours(2) + absl::Minutes(5);
  // Called (on the observing thread, after the store write) for every new observation; must be
  // cheap and must not call back into the observer. Empty: nobody is told.
  std::function<void(const NewObservation&)> on_new_observation;
  // Called likewise for every lookup answer recorded, new or extending the name's record (the
  // cross-check with followed zones, which must see an answer that keeps disagreeing). Empty:
  // nobody is told.
  std::function<void(const std::string& query_name)> on_answer_recorded;
};

class CaaObserver {
 public:
  // All pointers are borrowed and must outlive the observer.
  CaaObserver(caa::CaaResolver* resolver, store::CaaHistory* history, const Clock* clock,
              CaaObserverOptions options = {});

  // Looks up `name` ("*.x" searches from "x") and each parent up to the TLD, except those
  // looked up within min_requery, recording every answer: ObservePaths of one name. Errors only
  // when the store fails; DNS failures are recorded as observations.
  [[nodiscard]] absl::Status ObservePath(const names::DomainName& name);
  // ObservePath for many names at once: every search name not looked up within min_requery is
  // asked concurrently (LookupMany, up to 1,000 a round) and recorded a round per store write;
  // ObservePath calls for these names then find them observed. A batch of log entries with
  // many hits costs one round of lookups, not one lookup after another.
  [[nodiscard]] absl::Status ObservePaths(absl::Span<const names::DomainName> domains);
  // The stored observations of one query name, oldest first.
  [[nodiscard]] absl::StatusOr<std::vector<caa::Observation>> History(
      const std::string& query_name);
  // Looks up every name (distinct, as caa::SearchNames gives them) concurrently and records
  // every answer in one store write; for a poll. DNS failures are recorded like answers and
  // counted in the result; errors only when the store fails (then nothing of the batch is
  // recorded). Ignores and leaves min_requery's memory alone: a poll asks every name anyway.
  struct BatchResult {
    size_t failures = 0;         // Answers that are not answers (SERVFAIL, timeout, bogus...).
    size_t started = 0;          // New observations (changed answers, or first sightings).
    std::vector<bool> answered;  // Per query name: got an answer (not a failure).
    // Failures by outcome ("timeout", "servfail"...), and the first one's name and message.
    std::map<std::string, size_t> failures_by_outcome;
    std::string first_failure;
  };
  // kCancelled, recording nothing, when `cancelled` (may be empty) turned true during the
  // lookups (caa::CaaResolver::LookupMany): a stop does not wait for a batch of timeouts.
  [[nodiscard]] absl::StatusOr<BatchResult> ObserveMany(
      absl::Span<const names::DomainName> query_names, const std::function<bool()>& cancelled = {});

  // Every lookup's outcome and DNSSEC status since construction (/metrics).
  const CaaLookupCounts& lookup_counts() const { return lookup_counts_; }

 private:
  bool RecentlyObserved(const std::string& query_name, absl::Time now);
  void NoteObserved(const std::string& query_name, absl::Time when);
  void Announce(const caa::CaaAnswer& answer) const;

  caa::CaaResolver* const resolver_;
  store::CaaHistory* const history_;
  const Clock* const clock_;
  const CaaObserverOptions options_;
  absl::Mutex mu_;
  absl::flat_hash_map<std::string, absl::Time> last_lookup_ ABSL_GUARDED_BY(mu_);
  CaaLookupCounts lookup_counts_;
};

// Conversions between a CAA answer and its stored form.
store::CaaObservationRecord ToObservationRecord(const caa::CaaAnswer& answer);
caa::Observation FromObservationRecord(const store::CaaObservationRecord& record);
const char* OutcomeName(caa::LookupOutcome outcome);
const char* DnssecName(caa::DnssecStatus status);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_CAA_OBSERVER_H_
