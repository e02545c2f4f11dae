#include "store/verdict.h"

#include <utility>

#include "store/name_table.h"

namespace caawatch::store {
namespace {

// The one table of names. They are stored and indexed (by_verdict keys): never rename one.
constexpr std::pair<Verdict, absl::string_view> kVerdictNames[] = {
    {Verdict::kForbidden, "forbidden"},
    {Verdict::kLikelyForbidden, "likely_forbidden"},
    {Verdict::kUnknownIssuer, "unknown_issuer"},
    {Verdict::kDnsIndeterminate, "dns_indeterminate"},
    {Verdict::kPermitted, "permitted"},
    {Verdict::kPermittedConditional, "permitted_conditional"},
    {Verdict::kNoData, "no_data"},
    {Verdict::kExempt, "exempt"},
    {Verdict::kUnexpectedIssuer, "unexpected_issuer"},
    {Verdict::kLogMisbehaviour, "log_misbehaviour"},
    {Verdict::kMalformedCert, "malformed_cert"},
    {Verdict::kCaaBreaksRenewal, "caa_breaks_renewal"},
};
static_assert(std::size(kVerdictNames) == std::size(kAllVerdicts), "a verdict without a name");

constexpr std::pair<Severity, absl::string_view> kSeverityNames[] = {
    {Severity::kInfo, "info"},
    {Severity::kWarning, "warning"},
    {Severity::kCritical, "critical"},
};

// The retrospective field's word for kDnsIndeterminate (see the header).
constexpr absl::string_view kRetrospectiveIndeterminate = "indeterminate";

}  // namespace

std::string VerdictName(Verdict verdict) { return std::string(NameIn(kVerdictNames, verdict)); }

absl::StatusOr<Verdict> VerdictFromName(absl::string_view name) {
  return ValueIn(kVerdictNames, name, "verdict");
}

std::string SeverityName(Severity severity) {
  return std::string(NameIn(kSeverityNames, severity));
}

absl::StatusOr<Severity> SeverityFromName(absl::string_view name) {
  return ValueIn(kSeverityNames, name, "severity");
}

std::string RetrospectiveVerdictName(Verdict verdict) {
  if (verdict == Verdict::kDnsIndeterminate) return std::string(kRetrospectiveIndeterminate);
  return VerdictName(verdict);
}

absl::StatusOr<Verdict> RetrospectiveVerdictFromName(absl::string_view name) {
  if (name == kRetrospectiveIndeterminate) return Verdict::kDnsIndeterminate;
  return ValueIn(kVerdictNames, name, "retrospective verdict");
}

}  // namespace caawatch::store
