#include "caa/issuer_map.h"

#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace caawatch::caa {
namespace {

using Json = nlohmann::json;

absl::StatusOr<std::vector<std::string>> StringArray(const Json& object, const char* field,
                                                     bool required, bool lowercase) {
  std::vector<std::string> out;
  const auto it = object.find(field);
  if (it == object.end()) {
    if (required) return absl::InvalidArgumentError(absl::StrCat("missing \"", field, "\""));
    return out;
  }
  if (!it->is_array()) return absl::InvalidArgumentError(absl::StrCat(field, ": not an array"));
  for (const Json& item : *it) {
    if (!item.is_string()) return absl::InvalidArgumentError(absl::StrCat(field, ": not a string"));
    std::string s(absl::StripAsciiWhitespace(item.get_ref<const std::string&>()));
    // Hex digits, or CAA identifiers: compared lowercase, not refused here (an import checks them).
    if (lowercase) absl::AsciiStrToLower(&s);
    if (!s.empty()) out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<CaEntry> ParseEntry(const Json& object) {
  if (!object.is_object()) return absl::InvalidArgumentError("entry is not an object");
  const auto owner = object.find("ca_owner");
  if (owner == object.end() || !owner->is_string() ||
      owner->get_ref<const std::string&>().empty()) {
    return absl::InvalidArgumentError("missing or empty \"ca_owner\"");
  }
  CaEntry entry;
  entry.ca_owner = owner->get<std::string>();
  CAAWATCH_ASSIGN_OR_RETURN(entry.caa_identifiers,
                            StringArray(object, "caa_identifiers", true, true));
  CAAWATCH_ASSIGN_OR_RETURN(entry.issuer_organization_names,
                            StringArray(object, "issuer_organization_names", false, false));
  CAAWATCH_ASSIGN_OR_RETURN(entry.known_intermediate_common_names,
                            StringArray(object, "known_intermediate_common_names", false, false));
  CAAWATCH_ASSIGN_OR_RETURN(entry.spki_sha256_hex,
                            StringArray(object, "spki_sha256_hex", false, true));
  CAAWATCH_ASSIGN_OR_RETURN(entry.subject_key_ids_hex,
                            StringArray(object, "subject_key_ids_hex", false, true));
  CAAWATCH_ASSIGN_OR_RETURN(entry.problem_reporting,
                            StringArray(object, "problem_reporting", false, false));
  CAAWATCH_ASSIGN_OR_RETURN(entry.disclosed_crls,
                            StringArray(object, "disclosed_crls", false, false));
  return entry;
}

bool HasIgnoreCase(const std::vector<std::string>& list, absl::string_view item) {
  return !item.empty() && absl::c_any_of(list, [item](const std::string& s) {
    return absl::EqualsIgnoreCase(s, item);
  });
}

// "DigiCert, Inc." -> "digicert": lowercase words, legal-form suffixes and punctuation dropped.
std::string LooseOrganization(absl::string_view organization) {
  static constexpr absl::string_view kLegalForms[] = {
      "inc", "llc",  "ltd", "limited", "corp", "corporation", "co", "company", "plc", "sa",
      "ag",  "gmbh", "nv",  "bv",      "srl",  "spa",         "oy", "oyj",     "ab",  "the"};
  std::vector<std::string> words;
  for (absl::string_view word : absl::StrSplit(absl::AsciiStrToLower(organization),
                                               absl::ByAnyChar(" ,.-'()/&"), absl::SkipEmpty())) {
    if (!absl::c_linear_search(kLegalForms, word)) words.emplace_back(word);
  }
  return absl::StrJoin(words, " ");
}

bool LooselyMatches(const std::vector<std::string>& organizations, absl::string_view organization) {
  const std::string wanted = LooseOrganization(organization);
  if (wanted.empty()) return false;
  return absl::c_any_of(organizations, [&wanted](const std::string& o) {
    const std::string have = LooseOrganization(o);
    return !have.empty() && (absl::StrContains(have, wanted) || absl::StrContains(wanted, have));
  });
}

CaIdentity IdentityOf(const CaEntry& entry) { return {entry.ca_owner, entry.caa_identifiers}; }

void UnionInto(std::vector<std::string>* into, const std::vector<std::string>& from) {
  for (const std::string& s : from) {
    if (!HasIgnoreCase(*into, s)) into->push_back(s);
  }
}

}  // namespace

absl::StatusOr<IssuerMap> IssuerMap::FromJson(absl::string_view text) {
  Json root;
  try {
    root = Json::parse(text.begin(), text.end());
  } catch (const Json::exception& e) {
    // Without nlohmann's "[json.exception.parse_error.101] ": a user reads this.
    absl::string_view what = e.what();
    if (const size_t id_end = what.find("] "); id_end != absl::string_view::npos) {
      what.remove_prefix(id_end + 2);
    }
    return absl::InvalidArgumentError(absl::StrCat("issuer map: not JSON: ", QuoteInput(what)));
  }
  if (!root.is_array()) return absl::InvalidArgumentError("issuer map: top level is not an array");
  std::vector<CaEntry> entries;
  for (size_t i = 0; i < root.size(); ++i) {
    absl::StatusOr<CaEntry> entry = ParseEntry(root[i]);
    if (!entry.ok()) return Annotate(entry.status(), absl::StrCat("issuer map entry ", i));
    entries.push_back(*std::move(entry));
  }
  return IssuerMap(std::move(entries));
}

absl::StatusOr<IssuerMap> IssuerMap::BuiltIn() {
  absl::StatusOr<IssuerMap> map = FromJson(BuiltInIssuerMapJson());
  if (!map.ok()) return absl::InternalError(absl::StrCat("built-in ", map.status().message()));
  return map;
}

std::optional<CaIdentity> IssuerMap::Lookup(const IssuerFacts& facts) const {
  for (const CaEntry& e : entries_) {
    if (HasIgnoreCase(e.spki_sha256_hex, facts.spki_sha256_hex)) return IdentityOf(e);
  }
  for (const CaEntry& e : entries_) {
    if (HasIgnoreCase(e.subject_key_ids_hex, facts.subject_key_id_hex)) return IdentityOf(e);
  }
  const std::string organization(absl::StripAsciiWhitespace(facts.organization));
  for (const CaEntry& e : entries_) {
    if (HasIgnoreCase(e.issuer_organization_names, organization)) return IdentityOf(e);
  }
  for (const CaEntry& e : entries_) {
    if (HasIgnoreCase(e.known_intermediate_common_names, facts.common_name) &&
        LooselyMatches(e.issuer_organization_names, organization)) {
      return IdentityOf(e);
    }
  }
  return std::nullopt;
}

void IssuerMap::Merge(const IssuerMap& other) {
  for (const CaEntry& theirs : other.entries_) {
    auto mine = absl::c_find_if(entries_, [&theirs](const CaEntry& e) {
      return absl::EqualsIgnoreCase(e.ca_owner, theirs.ca_owner);
    });
    if (mine == entries_.end()) {
      entries_.push_back(theirs);
      continue;
    }
    UnionInto(&mine->caa_identifiers, theirs.caa_identifiers);
    UnionInto(&mine->issuer_organization_names, theirs.issuer_organization_names);
    UnionInto(&mine->known_intermediate_common_names, theirs.known_intermediate_common_names);
    UnionInto(&mine->spki_sha256_hex, theirs.spki_sha256_hex);
    UnionInto(&mine->subject_key_ids_hex, theirs.subject_key_ids_hex);
    UnionInto(&mine->problem_reporting, theirs.problem_reporting);
    UnionInto(&mine->disclosed_crls, theirs.disclosed_crls);
  }
}

const CaEntry* IssuerMap::FindOwner(absl::string_view ca_owner) const {
  for (const CaEntry& e : entries_) {
    if (absl::EqualsIgnoreCase(e.ca_owner, ca_owner)) return &e;
  }
  return nullptr;
}

std::vector<DisclosedCrl> IssuerMap::DisclosedCrls(absl::string_view subject_key_id_hex) const {
  std::vector<DisclosedCrl> out;
  if (subject_key_id_hex.empty()) return out;
  for (const CaEntry& e : entries_) {
    for (const std::string& item : e.disclosed_crls) {
      const std::vector<absl::string_view> parts =
          absl::StrSplit(item, absl::MaxSplits(' ', 2), absl::SkipEmpty());
      if (parts.size() != 3 || !absl::EqualsIgnoreCase(parts[1], subject_key_id_hex)) continue;
      if (parts[0] != "full" && parts[0] != "partition") continue;
      DisclosedCrl crl{parts[0] == "partition", std::string(parts[2])};
      if (absl::c_none_of(out, [&crl](const DisclosedCrl& c) { return c.url == crl.url; })) {
        out.push_back(std::move(crl));
      }
    }
  }
  return out;
}

}  // namespace caawatch::caa
