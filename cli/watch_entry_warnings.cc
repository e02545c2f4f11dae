#include "cli/watch_entry_warnings.h"

#include "absl/container/btree_set.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/quoted_input.h"

namespace caawatch::cli {
namespace {

// Known identifiers that `issuer` could have been meant as: those it is a prefix of at a label
// boundary ("letsencrypt" -> "letsencrypt.org") or a label of ("digicert" -> "www.digicert.com").
std::vector<std::string> Suggestions(const std::string& issuer,
                                     const absl::btree_set<std::string>& known) {
  constexpr size_t kMaxSuggestions = 3;
  std::vector<std::string> out;
  for (const std::string& id : known) {
    if (out.size() == kMaxSuggestions) break;
    if (absl::StartsWith(id, issuer + ".") || absl::StrContains(id, "." + issuer + ".")) {
      out.push_back(id);
    }
  }
  return out;
}

}  // namespace

std::vector<std::string> WatchEntryWarnings(const monitor::WatchItem& item,
                                            const caa::IssuerMap& known) {
  std::vector<std::string> warnings;
  if (item.every_name()) {
    warnings.push_back(
        "\".\" watches every name: every certificate of every log becomes a finding");
  }
  for (std::string& warning : UnknownIssuerWarnings(item.issuers, known)) {
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

std::vector<std::string> UnknownIssuerWarnings(absl::Span<const std::string> issuers,
                                               const caa::IssuerMap& known) {
  std::vector<std::string> warnings;
  absl::btree_set<std::string> identifiers;
  for (const caa::CaEntry& entry : known.entries()) {
    identifiers.insert(entry.caa_identifiers.begin(), entry.caa_identifiers.end());
  }
  for (const std::string& issuer : issuers) {
    if (identifiers.contains(issuer)) continue;
    std::string warning =
        absl::StrCat("issuer ", QuoteInput(issuer),
                     " is not the CAA identifier of any known CA: a certificate from a known CA "
                     "for a name expecting it will be unexpected_issuer");
    if (const std::vector<std::string> close = Suggestions(issuer, identifiers); !close.empty()) {
      absl::StrAppend(&warning, " (did you mean ", absl::StrJoin(close, " or "), "?)");
    } else {
      absl::StrAppend(&warning, " (`caawatch issuers list` shows the known ones)");
    }
    warnings.push_back(std::move(warning));
  }
  return warnings;
}

}  // namespace caawatch::cli
