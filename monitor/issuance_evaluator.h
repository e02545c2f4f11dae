// Turns a decoded log entry that matched the watchlist into a finding: maps its issuer to CAA
// identifiers, observes CAA for every watched name, evaluates it at issuance time, and picks
// the certificate's verdict and severity (SPEC §2). The policy half of the pipeline.
#ifndef CAAWATCH_MONITOR_ISSUANCE_EVALUATOR_H_
#define CAAWATCH_MONITOR_ISSUANCE_EVALUATOR_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caa/issuance_window.h"
#include "caa/issuer_map.h"
#include "ctlog/log_entry.h"
#include "ctlog/log_types.h"
#include "monitor/caa_observer.h"
#include "monitor/watchlist.h"
#include "store/records.pb.h"

namespace caawatch::monitor {

// One watchlist hit: a certificate name and the watch entry it falls under.
struct WatchHit {
  std::string cert_name;
  const WatchItem* item = nullptr;  // Owned by the Watchlist the hit came from.
};

// Every name of an entry worth matching: SAN dNSNames, then subject CNs not already among them.
std::vector<std::string> CertificateNames(const ctlog::CertificateIdentity& identity);

class IssuanceEvaluator {
 public:
  // Borrowed pointers; must outlive the evaluator.
  IssuanceEvaluator(const caa::IssuerMap* issuers, CaaObserver* observer,
                    caa::WindowOptions window_options = {});

  // The watchlist hits of an entry; empty when it concerns nobody.
  static std::vector<WatchHit> FindHits(const Watchlist& watchlist,
                                     const std::vector<std::string>& names);

  // Builds the finding for `entry` of `log` given its watchlist hits (non-empty). kUnavailable
  // or kFailedPrecondition only when the store fails; DNS trouble is a verdict.
  [[nodiscard]] absl::StatusOr<store::FindingRecord> Evaluate(const ctlog::LogEntry& entry,
                                                              const ctlog::LogInfo& log,
                                                              const std::vector<WatchHit>& hits,
                                                              absl::Time now);

 private:
  absl::StatusOr<store::CaaNameRecord> EvaluateName(const std::string& name,
                                                    const std::vector<std::string>& identifiers,
                                                    const ctlog::LogEntry& entry);

  const caa::IssuerMap* const issuers_;
  CaaObserver* const observer_;
  const caa::WindowOptions window_options_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_ISSUANCE_EVALUATOR_H_
