#include "ctlog/certificate_names.h"

#include <algorithm>
#include <utility>

#include "absl/container/flat_hash_set.h"

namespace caawatch::ctlog {

std::vector<std::string> CertificateNames::ToStrings() const {
  return std::vector<std::string>(names_.begin(), names_.end());
}

absl::string_view CertificateNames::Keep(std::string text) {
  kept_.push_front(std::move(text));
  return kept_.front();
}

// Linear for the usual handful, hashed for certificates with hundreds of SANs (a pairwise search
// there was quadratic).
void CertificateNames::RemoveRepeats() {
  constexpr size_t kLinearUpTo = 16;
  const bool linear = names_.size() <= kLinearUpTo;
  absl::flat_hash_set<absl::string_view> seen;
  if (!linear) seen.reserve(names_.size());
  size_t kept = 0;
  for (const absl::string_view name : names_) {
    bool repeated = false;
    if (linear) {
      // Among the names kept so far: a name dropped earlier equals one of them.
      const auto kept_end = names_.begin() + kept;
      repeated = std::find(names_.begin(), kept_end, name) != kept_end;
    } else {
      repeated = !seen.insert(name).second;
    }
    if (!repeated) names_[kept++] = name;
  }
  names_.resize(kept);
}

}  // namespace caawatch::ctlog
