#include "store/finding_kind.h"

#include <iterator>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

namespace caawatch::store {
namespace {

// The one table of names. They are stored (and the key of a finding depends on them), sent by
// the API and printed: never rename one.
constexpr std::pair<FindingKind, absl::string_view> kKindNames[] = {
    {FindingKind::kCertificate, "certificate"},
    {FindingKind::kMalformedCert, "malformed_cert"},
    {FindingKind::kLogMisbehaviour, "log_misbehaviour"},
};
static_assert(std::size(kKindNames) == std::size(kAllFindingKinds), "a kind without a name");

absl::string_view NameView(FindingKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "";  // Unreachable while every enumerator is in the table.
}

}  // namespace

std::string FindingKindName(FindingKind kind) { return std::string(NameView(kind)); }

absl::StatusOr<FindingKind> FindingKindFromName(absl::string_view name) {
  for (const auto& [k, n] : kKindNames) {
    if (n == name) return k;
  }
  return absl::InvalidArgumentError(absl::StrCat("unknown finding kind ", QuoteInput(name)));
}

bool HasKind(const FindingRecord& finding, FindingKind kind) {
  return finding.kind() == NameView(kind);
}

void SetKind(FindingKind kind, FindingRecord* finding) {
  const absl::string_view name = NameView(kind);
  finding->set_kind(name.data(), name.size());
}

}  // namespace caawatch::store
