// Store records to API messages: store::FindingRecord (raw bytes, epoch milliseconds, SPEC §2
// names) -> v1::Finding (lowercase hex, RFC 3339 UTC, enums). Pure functions, no I/O.
#ifndef CAAWATCH_PROTO_FINDING_CONVERT_H_
#define CAAWATCH_PROTO_FINDING_CONVERT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caawatch/v1/monitor.pb.h"
#include "store/finding_kind.h"
#include "store/records.pb.h"
#include "store/revocation.pb.h"
#include "store/verdict.h"

namespace caawatch::api {

namespace v1 = ::caawatch::v1;

// Converts one stored finding. Hashes become lowercase hex, log IDs base64, times RFC 3339
// (a zero millisecond value means "unset" and becomes an empty string), verdict and severity
// names become enums (an unknown name becomes *_UNSPECIFIED rather than failing: a newer
// writer must not make old readers crash). Entry type is "precert_entry" or "x509_entry".
v1::Finding ToApiFinding(const store::FindingRecord& record);
// The API's Finding.kind is the stored word, copied as is: its one spelling is the store's.
using store::FindingKind;
using store::FindingKindName;

// Attaches a finding's revocation follow-up (store/revocations.h) to its API message: the
// state, the times, and the time from the first log appearance to revocation.
void AddRevocation(const store::FindingRecord& record, const store::RevocationRecord& revocation,
                   v1::Finding* finding);

// The alert for a stored finding: Alert{seq, finding}.
v1::Alert ToApiAlert(const store::FindingRecord& record);

// The one conversion between verdicts and severities and the API's enums. From the API,
// *_UNSPECIFIED and values outside the enum are kInvalidArgument.
v1::Verdict ToApiVerdict(store::Verdict verdict);
[[nodiscard]] absl::StatusOr<store::Verdict> FromApiVerdict(v1::Verdict verdict);
v1::Severity ToApiSeverity(store::Severity severity);
[[nodiscard]] absl::StatusOr<store::Severity> FromApiSeverity(v1::Severity severity);

// The API's enums by their SPEC §2 names (store/verdict.h spells them), for the CLI's flags and
// JSON. VerdictName returns "" for VERDICT_UNSPECIFIED and values outside the enum;
// VerdictFromName is case-sensitive and returns kInvalidArgument for anything else (including
// ""). Likewise for severities ("info", "warning", "critical").
std::string VerdictName(v1::Verdict verdict);
[[nodiscard]] absl::StatusOr<v1::Verdict> VerdictFromName(absl::string_view name);
std::string SeverityName(v1::Severity severity);
[[nodiscard]] absl::StatusOr<v1::Severity> SeverityFromName(absl::string_view name);

// An observation's rcode as the API spells it: the store keeps the numeric rcode and a word
// for outcomes that have no rcode (timeout, bogus); this is one word ("noerror", "nxdomain",
// "servfail", "refused", "rcodeN", or the outcome).
std::string RcodeWord(const store::CaaObservationRecord& observation);

// RFC 3339 for epoch milliseconds (three fractional digits); "" for 0 (unset).
std::string FormatMillis(int64_t epoch_ms);

}  // namespace caawatch::api

#endif  // CAAWATCH_PROTO_FINDING_CONVERT_H_
