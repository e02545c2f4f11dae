#include "store/verdict.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

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
};
static_assert(std::size(kVerdictNames) == std::size(kAllVerdicts), "a verdict without a name");

constexpr std::pair<Severity, absl::string_view> kSeverityNames[] = {
    {Severity::kInfo, "info"},
    {Severity::kWarning, "warning"},
    {Severity::kCritical, "critical"},
};

// The retrospective field's word for kDnsIndeterminate (see the header).
constexpr absl::string_view kRetrospectiveIndeterminate = "indeterminate";

template <typename Enum, size_t N>
std::string NameOf(const std::pair<Enum, absl::string_view> (&table)[N], Enum value) {
  for (const auto& [v, name] : table) {
    if (v == value) return std::string(name);
  }
  return "";  // Unreachable while every enumerator is in its table.
}

template <typename Enum, size_t N>
absl::StatusOr<Enum> ValueOf(const std::pair<Enum, absl::string_view> (&table)[N],
                             absl::string_view name, absl::string_view what) {
  for (const auto& [v, n] : table) {
    if (n == name) return v;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown ", what, " ", QuoteInput(name)));
}

}  // namespace

std::string VerdictName(Verdict verdict) { return NameOf(kVerdictNames, verdict); }

absl::StatusOr<Verdict> VerdictFromName(absl::string_view name) {
  return ValueOf(kVerdictNames, name, "verdict");
}

std::string SeverityName(Severity severity) { return NameOf(kSeverityNames, severity); }

absl::StatusOr<Severity> SeverityFromName(absl::string_view name) {
  return ValueOf(kSeverityNames, name, "severity");
}

std::string RetrospectiveVerdictName(Verdict verdict) {
  if (verdict == Verdict::kDnsIndeterminate) return std::string(kRetrospectiveIndeterminate);
  return VerdictName(verdict);
}

absl::StatusOr<Verdict> RetrospectiveVerdictFromName(absl::string_view name) {
  if (name == kRetrospectiveIndeterminate) return Verdict::kDnsIndeterminate;
  return ValueOf(kVerdictNames, name, "retrospective verdict");
}

}  // namespace caawatch::store
