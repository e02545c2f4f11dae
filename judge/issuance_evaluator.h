// Turns a decoded log entry that matched the watchlist into a finding: maps its issuer to CAA
// identifiers, observes CAA for every watched name, evaluates it at issuance time, and picks
// the certificate's verdict and severity (SPEC §2). The policy half of the pipeline. Also
// re-evaluates stored findings when late data arrives (Reevaluator).
#ifndef CAAWATCH_JUDGE_ISSUANCE_EVALUATOR_H_
#define CAAWATCH_JUDGE_ISSUANCE_EVALUATOR_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "caa/issuance_window.h"
#include "caa/issuer_map.h"
#include "ctlog/log_entry.h"
#include "ctlog/log_types.h"
#include "judge/caa_observer.h"
#include "judge/issuer_source.h"
#include "judge/zone_history.h"
#include "names/domain_name.h"
#include "store/records.pb.h"
#include "watch/watchlist.h"

namespace caawatch::judge {

// One watchlist hit: a certificate name and the watch entry it falls under.
struct WatchHit {
  std::string cert_name;
  watch::WatchEntry item;  // Refers to the Watchlist the hit came from.
};

class IssuanceEvaluator {
 public:
  // Borrowed pointers; must outlive the evaluator. This form evaluates with a fixed copy of
  // `issuers`.
  IssuanceEvaluator(const caa::IssuerMap* issuers, CaaObserver* observer,
                    caa::WindowOptions window_options = {});
  // Evaluates with whatever map `issuers` holds at the time of each evaluation.
  IssuanceEvaluator(const IssuerSource* issuers, CaaObserver* observer,
                    caa::WindowOptions window_options = {});

  // The watchlist hits of an entry's names; empty when it concerns nobody.
  static std::vector<WatchHit> FindHits(const watch::Watchlist& watchlist,
                                        absl::Span<const absl::string_view> names);
  static std::vector<WatchHit> FindHits(const watch::Watchlist& watchlist,
                                        const std::vector<std::string>& names);

  // An entry that hit the watchlist, for ObserveAhead. Both borrowed.
  struct EntryHits {
    const ctlog::LogEntry* entry;
    const std::vector<WatchHit>* hits;
  };
  // Looks up, concurrently, the CAA path of every name Evaluate would look up for these entries
  // (CaaObserver::ObservePaths), so that their Evaluate calls find it observed a moment ago
  // instead of asking one name after another. Errors only when the store fails.
  [[nodiscard]] absl::Status ObserveAhead(absl::Span<const EntryHits> entries);

  // Builds the finding for `entry` of `log` given its watchlist hits (non-empty): looks up the
  // CAA path of every watched name now (also for an unknown issuer, so that the evidence
  // exists if the CA map learns the issuer later), then judges against the stored history.
  // kUnavailable or kFailedPrecondition only when the store fails; DNS trouble is a verdict.
  [[nodiscard]] absl::StatusOr<store::FindingRecord> Evaluate(const ctlog::LogEntry& entry,
                                                              const ctlog::LogInfo& log,
                                                              const std::vector<WatchHit>& hits,
                                                              absl::Time now);

  // Judges a stored certificate finding again, against the CA map now and the stored CAA
  // history only (no lookups: the history is the evidence). The window ends at the earliest
  // timestamp of its entries. `hits` are the current watchlist's hits for its names (for the
  // expected-issuer check). Returns a record with the finding's tbs_sha256 and the new
  // evaluation: verdict, severity, reason, caa, issuer, unexpected_issuer_for, evaluated_ms =
  // `now` (the shape store::FindingUpdate takes). Errors only when the store fails.
  [[nodiscard]] absl::StatusOr<store::FindingRecord> Reevaluate(const store::FindingRecord& stored,
                                                                const std::vector<WatchHit>& hits,
                                                                absl::Time now);

  // The CA-map search facts a stored finding kept about its issuer.
  static caa::IssuerFacts IssuerFactsOf(const store::IssuerRecord& issuer);
  // Judges names in followed zones against the zones' records (issue 18) instead of the
  // lookups' history; their evidence then says basis "zone" with the serials. Borrowed; set
  // before the first evaluation.
  void FollowZones(const ZoneHistory* zones) { zone_history_ = zones; }
  const IssuerSource& issuers() const { return *issuers_; }

 private:
  enum class Lookups { kObserveNow, kHistoryOnly };
  struct Timing {
    absl::Time earliest_timestamp;
    absl::Time not_before;
  };

  // Fills the evaluation fields of `f` (issuer mapping, unexpected issuers, caa, verdict,
  // severity, reason) for the names in f->watched_names().
  absl::Status Judge(const caa::IssuerFacts& facts, const std::vector<WatchHit>& hits,
                     const Timing& timing, Lookups lookups, store::FindingRecord* f);
  // The judgement of one certificate name (all of the record but its name).
  absl::StatusOr<store::CaaNameRecord> EvaluateName(const names::DomainName& name,
                                                    const std::vector<std::string>& identifiers,
                                                    const Timing& timing);

  std::unique_ptr<IssuerSource> owned_issuers_;  // The fixed-map form only.
  const IssuerSource* issuers_;
  CaaObserver* const observer_;
  const caa::WindowOptions window_options_;
  const ZoneHistory* zone_history_ = nullptr;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ISSUANCE_EVALUATOR_H_
