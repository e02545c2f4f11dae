// The kind of a finding (SPEC §2 and §5) as a value, and its one spelling: the words the store
// keeps (FindingRecord.kind, and through it the finding's key), the API sends (v1::Finding.kind)
// and the CLI prints. Every other layer converts through here, as store/verdict.h for verdicts.
#ifndef CAAWATCH_STORE_FINDING_KIND_H_
#define CAAWATCH_STORE_FINDING_KIND_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/records.pb.h"

namespace caawatch::store {

enum class FindingKind {
  kCertificate,      // A certificate for a watched name, judged on CAA.
  kMalformedCert,    // A log entry whose certificate cannot be parsed; keyed by its leaf hash.
  kLogMisbehaviour,  // A log broke a promise (SPEC §1); keyed by misbehaviour_key.
  // A CAA change forbids a CA that issued for the name recently (SPEC §8): its renewals will
  // fail. Keyed by renewal_key; not judged on CAA.
  kCaaBreaksRenewal,
};
inline constexpr FindingKind kAllFindingKinds[] = {
    FindingKind::kCertificate, FindingKind::kMalformedCert, FindingKind::kLogMisbehaviour,
    FindingKind::kCaaBreaksRenewal};

// "certificate", "malformed_cert", "log_misbehaviour", "caa_breaks_renewal".
std::string FindingKindName(FindingKind kind);
// Case-sensitive; kInvalidArgument, quoting `name`, for anything else (including "").
[[nodiscard]] absl::StatusOr<FindingKind> FindingKindFromName(absl::string_view name);

// Whether `finding` is of `kind`, without a copy of the name (the store asks it per write).
bool HasKind(const FindingRecord& finding, FindingKind kind);
// Sets `finding`'s kind to the name of `kind`.
void SetKind(FindingKind kind, FindingRecord* finding);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_FINDING_KIND_H_
