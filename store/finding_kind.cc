#include "store/finding_kind.h"

#include <iterator>
#include <utility>

#include "store/name_table.h"

namespace caawatch::store {
namespace {

// The one table of names. They are stored (and the key of a finding depends on them), sent by
// the API and printed: never rename one.
constexpr std::pair<FindingKind, absl::string_view> kKindNames[] = {
    {FindingKind::kCertificate, "certificate"},
    {FindingKind::kMalformedCert, "malformed_cert"},
    {FindingKind::kLogMisbehaviour, "log_misbehaviour"},
    {FindingKind::kCaaBreaksRenewal, "caa_breaks_renewal"},
};
static_assert(std::size(kKindNames) == std::size(kAllFindingKinds), "a kind without a name");

}  // namespace

std::string FindingKindName(FindingKind kind) { return std::string(NameIn(kKindNames, kind)); }

absl::StatusOr<FindingKind> FindingKindFromName(absl::string_view name) {
  return ValueIn(kKindNames, name, "finding kind");
}

bool HasKind(const FindingRecord& finding, FindingKind kind) {
  return finding.kind() == NameIn(kKindNames, kind);
}

void SetKind(FindingKind kind, FindingRecord* finding) {
  const absl::string_view name = NameIn(kKindNames, kind);
  finding->set_kind(name.data(), name.size());
}

}  // namespace caawatch::store
