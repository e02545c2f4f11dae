#include "judge/caa_suggestion.h"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/ascii.h"
#include "caa/policy.h"

namespace caawatch::judge {
namespace {

bool IsWildcard(const std::string& name) {
  return name.size() > 1 && name[0] == '*' && name[1] == '.';
}

// A CA is known by the identifier it would be published as; one without is known by its name,
// and sorts after every identifier (the leading byte keeps the two kinds apart).
std::string CaKey(const SeenIssuance& s) {
  if (s.identifiers.empty()) return "\x7f" + s.ca;
  return absl::AsciiStrToLower(s.identifiers.front());
}

std::map<std::string, IssuingCa> ByCa(absl::Span<const SeenIssuance> seen) {
  std::map<std::string, IssuingCa> cas;
  for (const SeenIssuance& s : seen) {
    if (s.names.empty()) continue;
    IssuingCa& ca = cas[CaKey(s)];
    ca.ca = s.ca;
    if (!s.identifiers.empty()) ca.identifier = absl::AsciiStrToLower(s.identifiers.front());
    ++ca.certificates;
    for (const std::string& n : s.names) (IsWildcard(n) ? ca.wildcard : ca.plain) = true;
    ca.last_issued = std::max(ca.last_issued, s.issued);
  }
  return cas;
}

caa::CaaRecord Property(const char* tag, std::string value) {
  return caa::CaaRecord{0, tag, std::move(value)};
}

}  // namespace

CaaSuggestion SuggestCaa(absl::Span<const SeenIssuance> seen) {
  CaaSuggestion out;
  std::set<std::string> plain, wildcard;  // Identifiers, sorted.
  for (auto& [key, ca] : ByCa(seen)) {
    if (!ca.identifier.empty()) {
      if (ca.plain) plain.insert(ca.identifier);
      if (ca.wildcard) wildcard.insert(ca.identifier);
    }
    out.cas.push_back(std::move(ca));
  }
  if (plain.empty() && wildcard.empty()) return out;
  for (const std::string& id : plain) out.records.push_back(Property("issue", id));
  if (plain.empty()) out.records.push_back(Property("issue", ";"));
  if (wildcard != plain) {
    for (const std::string& id : wildcard) out.records.push_back(Property("issuewild", id));
    if (wildcard.empty()) out.records.push_back(Property("issuewild", ";"));
  }
  return out;
}

std::vector<RenewalWarning> RenewalsForbidden(
    absl::Span<const SeenIssuance> seen,
    absl::FunctionRef<caa::RelevantSet(const names::DomainName&)> in_force) {
  // Per CA, the latest issuance of each name, so that the warning names the freshest one.
  std::map<std::string, std::map<std::string, const SeenIssuance*>> names_by_ca;
  for (const SeenIssuance& s : seen) {
    if (s.identifiers.empty()) continue;
    for (const std::string& n : s.names) {
      const SeenIssuance*& latest = names_by_ca[CaKey(s)][n];
      if (latest == nullptr || latest->issued < s.issued) latest = &s;
    }
  }
  std::vector<RenewalWarning> warnings;
  for (const auto& [key, names] : names_by_ca) {
    std::optional<RenewalWarning> worst;
    for (const auto& [text, issuance] : names) {
      if (worst && worst->last_issued >= issuance->issued) continue;
      absl::StatusOr<names::DomainName> name = names::DomainName::Parse(text);
      if (!name.ok()) continue;
      const caa::NameEvaluation eval =
          caa::EvaluateName(*name, in_force(*name), issuance->identifiers);
      if (eval.verdict != caa::NameVerdict::kForbidden) continue;
      worst = RenewalWarning{issuance->ca, absl::AsciiStrToLower(issuance->identifiers.front()),
                             name->str(), issuance->issued, eval.reason};
    }
    if (worst) warnings.push_back(std::move(*worst));
  }
  return warnings;
}

}  // namespace caawatch::judge
