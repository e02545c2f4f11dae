#include "judge/recent_issuances.h"

#include <optional>
#include <string>
#include <utility>

#include "base/status_macros.h"
#include "store/finding_kind.h"

namespace caawatch::judge {
namespace {

// When the CA issued: the earliest log timestamp (the end of its CAA window), else notBefore.
absl::Time IssuedAt(const store::FindingRecord& f) {
  int64_t ms = 0;
  for (const store::EntryRef& e : f.entries()) {
    if (e.timestamp_ms() > 0 && (ms == 0 || e.timestamp_ms() < ms)) ms = e.timestamp_ms();
  }
  return absl::FromUnixMillis(ms > 0 ? ms : f.not_before_ms());
}

std::optional<SeenIssuance> Seen(const store::FindingRecord& f, const names::DomainName& apex,
                                 absl::Time since) {
  if (!store::HasKind(f, store::FindingKind::kCertificate)) return std::nullopt;
  SeenIssuance seen;
  seen.issued = IssuedAt(f);
  if (seen.issued < since) return std::nullopt;
  seen.verdict = f.verdict();
  seen.ca = !f.issuer().ca_owner().empty() ? f.issuer().ca_owner() : f.issuer().dn();
  seen.identifiers.assign(f.issuer().caa_identifiers().begin(), f.issuer().caa_identifiers().end());
  for (const std::string& n : f.names()) {
    absl::StatusOr<names::DomainName> name = names::DomainName::Parse(n);
    if (name.ok() && name->IsAtOrUnder(apex)) seen.names.push_back(name->str());
  }
  if (seen.names.empty()) return std::nullopt;
  return seen;
}

}  // namespace

absl::StatusOr<std::vector<SeenIssuance>> RecentIssuances(store::Findings& findings,
                                                          const names::DomainName& apex,
                                                          absl::Time since, size_t limit) {
  store::FindingQuery query;
  query.since = since;  // A certificate is recorded after it was issued.
  query.limit = limit;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::FindingRecord> found,
                            findings.ForName(apex.str(), /*subtree=*/true, query));
  std::vector<SeenIssuance> seen;
  for (const store::FindingRecord& f : found) {
    if (std::optional<SeenIssuance> s = Seen(f, apex, since)) seen.push_back(std::move(*s));
  }
  return seen;
}

}  // namespace caawatch::judge
