// The verdict and the severity of a finding (SPEC §2) as values, and their one spelling: the
// names in SPEC §2, which the store keeps (FindingRecord, its by_verdict index) and users read.
// Every other layer converts through here; the worst-first order is judge/verdict_order.h's.
#ifndef CAAWATCH_STORE_VERDICT_H_
#define CAAWATCH_STORE_VERDICT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::store {

// Declared in the API's order (proto caawatch.v1.Verdict), not in an order of severity.
enum class Verdict {
  kForbidden,
  kLikelyForbidden,
  kUnknownIssuer,
  kDnsIndeterminate,
  kPermitted,
  kPermittedConditional,
  kNoData,
  kExempt,
  kUnexpectedIssuer,
  kLogMisbehaviour,
  kMalformedCert,
  kCaaBreaksRenewal,  // A kind of its own, like the two above: not a CAA verdict.
};
inline constexpr Verdict kAllVerdicts[] = {
    Verdict::kForbidden,        Verdict::kLikelyForbidden, Verdict::kUnknownIssuer,
    Verdict::kDnsIndeterminate, Verdict::kPermitted,       Verdict::kPermittedConditional,
    Verdict::kNoData,           Verdict::kExempt,          Verdict::kUnexpectedIssuer,
    Verdict::kLogMisbehaviour,  Verdict::kMalformedCert,   Verdict::kCaaBreaksRenewal,
};

// Increasing: a greater severity alerts more loudly.
enum class Severity { kInfo, kWarning, kCritical };
inline constexpr Severity kAllSeverities[] = {Severity::kInfo, Severity::kWarning,
                                              Severity::kCritical};

// "forbidden", "likely_forbidden", ..., "malformed_cert".
std::string VerdictName(Verdict verdict);
// Case-sensitive; kInvalidArgument, quoting `name`, for anything else (including "").
[[nodiscard]] absl::StatusOr<Verdict> VerdictFromName(absl::string_view name);

// "info", "warning", "critical".
std::string SeverityName(Severity severity);
// Case-sensitive; kInvalidArgument, quoting `name`, for anything else (including "").
[[nodiscard]] absl::StatusOr<Severity> SeverityFromName(absl::string_view name);

// CaaNameRecord.retrospective_verdict (a no_data name judged against the first later state) has
// been stored since it exists with one word of its own: a set that could not be looked up is
// "indeterminate", not "dns_indeterminate". Otherwise as VerdictName/VerdictFromName.
std::string RetrospectiveVerdictName(Verdict verdict);
[[nodiscard]] absl::StatusOr<Verdict> RetrospectiveVerdictFromName(absl::string_view name);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_VERDICT_H_
