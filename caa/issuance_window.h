// CAA at issuance time (SPEC §3, caa-rules.md §8): evaluates one certificate name against the
// CAA states that can have been in effect when the CA checked, from a history of observations.
// Pure: no I/O, no clock. The history is passed in per query name.
#ifndef CAAWATCH_CAA_ISSUANCE_WINDOW_H_
#define CAAWATCH_CAA_ISSUANCE_WINDOW_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "caa/caa_answer.h"
#include "caa/policy.h"
#include "names/domain_name.h"

namespace caawatch::caa {

// One distinct answer for one query name, observed unchanged over [first_seen, last_seen].
struct Observation {
  CaaAnswer answer;
  absl::Time first_seen;
  absl::Time last_seen;
};

enum class IssuanceVerdict {
  kPermitted,
  kPermittedConditional,
  kForbidden,
  kLikelyForbidden,
  kDnsIndeterminate,
  kNoData,
};

struct IssuanceFacts {
  names::DomainName dns_name;               // From the certificate; "*.x" is a wildcard.
  std::vector<std::string> ca_identifiers;  // Lowercase CAA identifiers of the issuing CA.
  absl::Time earliest_timestamp;            // Earliest SCT or log entry timestamp.
  absl::Time not_before;
};

struct IssuanceEvaluation {
  IssuanceVerdict verdict = IssuanceVerdict::kNoData;
  absl::Time window_start;  // Narrow window [start, end].
  absl::Time window_end;
  absl::Time wide_window_start;
  // "observed": states seen inside the window; "interpolated": a gap between two observations
  // overlaps it; "later_observation": no coverage, judged retrospectively.
  std::string basis;
  std::string reason;
  // The evaluation that decided the verdict (for no_data: the retrospective one).
  NameEvaluation decisive;
  // no_data only: the evaluation against the first answers after issuance (a failed lookup
  // counts only when no answer followed it).
  std::optional<NameVerdict> retrospective;
  absl::Duration retrospective_delay = absl::ZeroDuration();
  std::vector<Observation> used;  // Observations consulted, for evidence.
};

struct WindowOptions {
  absl::Duration min_check_validity = absl::Hours(8);  // BR §3.2.2.8: max(8 h, TTL).
  absl::Duration not_before_slack = absl::Hours(48);   // BR §7.1.2.7.
  absl::Duration max_ttl = absl::Hours(24 * 7);        // Absurd TTLs are capped.
  size_t max_combinations = 256;                       // Bound on states enumerated.
};

// History of one query name, oldest first. Must return every observation overlapping the time
// range asked (the evaluator asks wide ranges and filters itself).
using ObservationHistory = std::function<std::vector<Observation>(const std::string& query_name)>;

IssuanceEvaluation EvaluateAtIssuance(const IssuanceFacts& facts, const ObservationHistory& history,
                                      const WindowOptions& options = {});

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_ISSUANCE_WINDOW_H_
