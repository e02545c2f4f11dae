#include "caa/ccadb_import.h"

#include <optional>
#include <utility>

#include "absl/algorithm/container.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/types/span.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "caa/issuer_store.h"
#include "caa/problem_reporting.h"
#include "names/domain_name.h"
#include "nlohmann/json.hpp"

namespace caawatch::caa {
namespace {

// Column names as the CCADB reports spell them (caa-rules.md §7.2).
constexpr absl::string_view kCaaDomainsColumn = "Recognized CAA Domains";
constexpr absl::string_view kSubjectColumn = "Subject";
constexpr absl::string_view kSkiHexColumn = "Subject Key Identifier (Hex)";
constexpr absl::string_view kSkiBase64Column = "Subject Key Identifier";
constexpr absl::string_view kOwnerColumns[] = {"CA Owner", "CA Owner Name"};
constexpr absl::string_view kProblemReportingColumn = "Problem Reporting Mechanism";
// AllCertificateRecordsCSVFormat: the CRLs each CA certificate discloses (CCADB Policy §5.1).
constexpr absl::string_view kFullCrlColumn = "Full CRL Issued By This CA";
constexpr absl::string_view kPartitionedCrlsColumn = "JSON Array of Partitioned CRLs";
// Partitioned CRLs kept per CA certificate at most (real CAs publish up to a few hundred), and
// the longest URL kept.
constexpr size_t kMaxPartitionedCrls = 512;
constexpr size_t kMaxCrlUrlBytes = 2048;

struct DistinguishedName {
  std::string organization;
  std::string common_name;
};

// CCADB writes DNs as "CN=R11; O=Let's Encrypt; C=US" (values may contain commas).
DistinguishedName ParseSubject(absl::string_view subject) {
  DistinguishedName dn;
  for (absl::string_view attribute : absl::StrSplit(subject, ';')) {
    const std::pair<absl::string_view, absl::string_view> kv =
        absl::StrSplit(absl::StripAsciiWhitespace(attribute), absl::MaxSplits('=', 1));
    const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
    if (absl::EqualsIgnoreCase(kv.first, "O") && dn.organization.empty()) {
      dn.organization = std::string(value);
    } else if (absl::EqualsIgnoreCase(kv.first, "CN") && dn.common_name.empty()) {
      dn.common_name = std::string(value);
    }
  }
  return dn;
}

std::string BytesToHex(absl::string_view bytes) {
  return HexEncode(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

// "AB:CD ef" -> "abcdef"; nullopt unless whole bytes of hex remain.
std::optional<std::string> NormalizeHex(absl::string_view text) {
  std::string hex;
  for (char c : text) {
    if (c == ':' || absl::ascii_isspace(static_cast<unsigned char>(c))) continue;
    if (!absl::ascii_isxdigit(static_cast<unsigned char>(c))) return std::nullopt;
    hex.push_back(absl::ascii_tolower(static_cast<unsigned char>(c)));
  }
  if (hex.empty() || hex.size() % 2 != 0) return std::nullopt;
  return hex;
}

std::optional<std::string> Base64ToHex(absl::string_view text, size_t want_bytes = 0) {
  std::string bytes;
  if (!absl::Base64Unescape(absl::StripAsciiWhitespace(text), &bytes) || bytes.empty()) {
    return std::nullopt;
  }
  if (want_bytes != 0 && bytes.size() != want_bytes) return std::nullopt;
  return BytesToHex(bytes);
}

void AddUnique(std::vector<std::string>* list, absl::string_view item) {
  if (item.empty()) return;
  if (absl::c_any_of(*list,
                     [item](const std::string& s) { return absl::EqualsIgnoreCase(s, item); }))
    return;
  list->emplace_back(item);
}

// The known entry for an owner name or issuer organisation, so imports join existing owners.
const CaEntry* FindKnown(const IssuerMap* known, absl::string_view owner,
                         absl::string_view organization) {
  if (known == nullptr) return nullptr;
  for (const CaEntry& e : known->entries()) {
    if (absl::EqualsIgnoreCase(e.ca_owner, owner)) return &e;
  }
  // "Sectigo (formerly Comodo CA)" is CCADB's "Sectigo"; the older CA information report
  // writes "Internet Security Research Group (ISRG)" for "... (Let's Encrypt)".
  const auto base_of = [](absl::string_view name) {
    return absl::StripAsciiWhitespace(name.substr(0, name.find(" (")));
  };
  for (const CaEntry& e : known->entries()) {
    if (absl::EqualsIgnoreCase(base_of(e.ca_owner), base_of(owner))) return &e;
  }
  for (const CaEntry& e : known->entries()) {
    for (const std::string& o : e.issuer_organization_names) {
      if (absl::EqualsIgnoreCase(o, owner) || absl::EqualsIgnoreCase(o, base_of(owner)) ||
          absl::EqualsIgnoreCase(o, organization)) {
        return &e;
      }
    }
  }
  return nullptr;
}

CaEntry& EntryFor(std::vector<CaEntry>* entries, absl::string_view owner) {
  auto it = absl::c_find_if(
      *entries, [owner](const CaEntry& e) { return absl::EqualsIgnoreCase(e.ca_owner, owner); });
  if (it != entries->end()) return *it;
  CaEntry entry;
  entry.ca_owner = std::string(owner);
  entries->push_back(std::move(entry));
  return entries->back();
}

// The valid issuer domains of a "Recognized CAA Domains" cell; the rest is reported.
std::vector<std::string> SplitIdentifiers(absl::string_view cell, size_t line,
                                          std::vector<ImportRejection>* rejections) {
  std::vector<std::string> valid;
  std::vector<std::string> invalid;
  for (absl::string_view token :
       absl::StrSplit(cell, absl::ByAnyChar(", \t\r\n"), absl::SkipEmpty())) {
    std::string name;
    if (names::DomainName::ParseAsciiInto(token, &name) && IsIssuerDomainName(name)) {
      AddUnique(&valid, name);
    } else {
      invalid.push_back(absl::StrCat("'", token, "'"));
    }
  }
  if (!invalid.empty()) {
    rejections->push_back(
        {line, absl::StrCat("not issuer domain names, ignored: ", absl::StrJoin(invalid, ", "))});
  }
  return valid;
}

struct Collected {
  std::vector<CaEntry> entries;
  std::vector<ImportRejection> rejections;
  size_t rows_read = 0;
};

std::optional<size_t> OwnerColumn(const CsvTable& table) {
  for (absl::string_view name : kOwnerColumns) {
    if (std::optional<size_t> column = table.Column(name)) return column;
  }
  return std::nullopt;
}

void CollectCaaIdentifiersRows(const CsvTable& table, const ImportOptions& options,
                               Collected* out) {
  const size_t domains_column = *table.Column(kCaaDomainsColumn);
  const std::optional<size_t> subject_column = table.Column(kSubjectColumn);
  const std::optional<size_t> ski_column = table.Column(kSkiHexColumn);
  const std::optional<size_t> owner_column = OwnerColumn(table);
  const std::optional<size_t> contact_column = table.Column(kProblemReportingColumn);
  for (const CsvRow& row : table.rows) {
    const DistinguishedName dn =
        subject_column ? ParseSubject(row.fields[*subject_column]) : DistinguishedName{};
    std::string owner(owner_column ? absl::StripAsciiWhitespace(row.fields[*owner_column]) : "");
    if (owner.empty()) owner = dn.organization;
    if (owner.empty()) {
      out->rejections.push_back({row.line, "no CA owner (no owner column and no O= in Subject)"});
      continue;
    }
    std::vector<std::string> identifiers =
        SplitIdentifiers(row.fields[domains_column], row.line, &out->rejections);
    if (identifiers.empty()) {
      out->rejections.push_back(
          {row.line, absl::StrCat("no valid CAA identifiers for '", owner, "', row skipped")});
      continue;
    }
    if (const CaEntry* known = FindKnown(options.known, owner, dn.organization)) {
      owner = known->ca_owner;
    }
    CaEntry& entry = EntryFor(&out->entries, owner);
    for (const std::string& id : identifiers) AddUnique(&entry.caa_identifiers, id);
    AddUnique(&entry.issuer_organization_names, dn.organization);
    AddUnique(&entry.known_intermediate_common_names, dn.common_name);
    if (contact_column) {
      for (const std::string& contact : ProblemReportingContacts(row.fields[*contact_column])) {
        AddUnique(&entry.problem_reporting, contact);
      }
    }
    if (ski_column && !absl::StripAsciiWhitespace(row.fields[*ski_column]).empty()) {
      if (std::optional<std::string> ski = NormalizeHex(row.fields[*ski_column])) {
        AddUnique(&entry.subject_key_ids_hex, *ski);
      } else {
        out->rejections.push_back({row.line, "Subject Key Identifier (Hex) is not hex, ignored"});
      }
    }
  }
}

// The http(s) URLs of a CRL cell: one URL, or (`json_array`) a JSON array of them. Anything
// else is a rejection with its line; a blank cell or "[]" gives none.
std::vector<std::string> CrlUrls(absl::string_view cell, bool json_array, size_t line,
                                 Collected* out) {
  std::vector<std::string> urls;
  cell = absl::StripAsciiWhitespace(cell);
  if (cell.empty()) return urls;
  std::vector<std::string> items;
  if (json_array) {
    const nlohmann::json array = nlohmann::json::parse(cell, nullptr, /*allow_exceptions=*/false);
    if (!array.is_array()) {
      out->rejections.push_back({line, "JSON Array of Partitioned CRLs is not a JSON array"});
      return urls;
    }
    for (const nlohmann::json& item : array) {
      if (item.is_string()) items.push_back(item.get<std::string>());
    }
  } else {
    items.emplace_back(cell);
  }
  for (std::string& item : items) {
    absl::StripAsciiWhitespace(&item);
    const bool http =
        absl::StartsWithIgnoreCase(item, "http://") || absl::StartsWithIgnoreCase(item, "https://");
    if (!http || item.size() > kMaxCrlUrlBytes ||
        absl::c_any_of(item, [](char c) { return c <= ' ' || c == 0x7f; })) {
      out->rejections.push_back(
          {line, absl::StrCat("CRL URL ", QuoteInput(item), " is not an http(s) URL, ignored")});
      continue;
    }
    if (urls.size() == kMaxPartitionedCrls) {
      out->rejections.push_back(
          {line, absl::StrCat("more than ", kMaxPartitionedCrls, " CRLs, the rest ignored")});
      break;
    }
    urls.push_back(std::move(item));
  }
  return urls;
}

// The known entry of a row's CA owner, or null after a rejection "... its <skipped>" (once per
// owner, remembered in `unknown_owners`).
const CaEntry* KnownOwnerOrReject(const ImportOptions& options, const std::string& owner,
                                  size_t line, absl::string_view skipped,
                                  std::vector<std::string>* unknown_owners, Collected* out) {
  const CaEntry* known = FindKnown(options.known, owner, "");
  if (known == nullptr && absl::c_find(*unknown_owners, owner) == unknown_owners->end()) {
    unknown_owners->push_back(owner);
    out->rejections.push_back(
        {line, absl::StrCat("CA owner '", owner, "' has no known CAA identifiers; its ", skipped)});
  }
  return known;
}

void CollectCertificateRecordRows(const CsvTable& table, const ImportOptions& options,
                                  Collected* out) {
  const size_t owner_column = *OwnerColumn(table);
  const size_t ski_column = *table.Column(kSkiBase64Column);
  const std::optional<size_t> full_crl_column = table.Column(kFullCrlColumn);
  const std::optional<size_t> partitioned_column = table.Column(kPartitionedCrlsColumn);
  std::vector<std::string> unknown_owners;
  for (const CsvRow& row : table.rows) {
    const std::string owner(absl::StripAsciiWhitespace(row.fields[owner_column]));
    const CaEntry* known =
        KnownOwnerOrReject(options, owner, row.line,
                           "certificate records are skipped (import the CAA Identifiers report)",
                           &unknown_owners, out);
    if (known == nullptr) continue;
    const std::optional<std::string> ski = Base64ToHex(row.fields[ski_column]);
    if (!ski.has_value()) {
      out->rejections.push_back({row.line, "Subject Key Identifier is missing or not base64"});
      continue;
    }
    CaEntry& entry = EntryFor(&out->entries, known->ca_owner);
    for (const std::string& id : known->caa_identifiers) AddUnique(&entry.caa_identifiers, id);
    AddUnique(&entry.subject_key_ids_hex, *ski);
    if (full_crl_column) {
      for (const std::string& url :
           CrlUrls(row.fields[*full_crl_column], /*json_array=*/false, row.line, out)) {
        AddUnique(&entry.disclosed_crls, absl::StrCat("full ", *ski, " ", url));
      }
    }
    if (partitioned_column) {
      for (const std::string& url :
           CrlUrls(row.fields[*partitioned_column], /*json_array=*/true, row.line, out)) {
        AddUnique(&entry.disclosed_crls, absl::StrCat("partition ", *ski, " ", url));
      }
    }
  }
}

// Contacts of owners the map already knows (they take that entry's identifiers, so that the
// entry is kept); rows of other owners are reported, once per owner.
void CollectProblemReportingRows(const CsvTable& table, const ImportOptions& options,
                                 Collected* out) {
  const size_t owner_column = *OwnerColumn(table);
  const size_t contact_column = *table.Column(kProblemReportingColumn);
  std::vector<std::string> unknown_owners;
  for (const CsvRow& row : table.rows) {
    const std::string owner(absl::StripAsciiWhitespace(row.fields[owner_column]));
    const CaEntry* known =
        KnownOwnerOrReject(options, owner, row.line, "contacts are skipped", &unknown_owners, out);
    if (known == nullptr) continue;
    const std::vector<std::string> contacts = ProblemReportingContacts(row.fields[contact_column]);
    if (contacts.empty()) continue;
    CaEntry& entry = EntryFor(&out->entries, known->ca_owner);
    for (const std::string& id : known->caa_identifiers) AddUnique(&entry.caa_identifiers, id);
    for (const std::string& contact : contacts) AddUnique(&entry.problem_reporting, contact);
  }
}

// Common tail of every import: re-checks identifiers (JSON input is unchecked), drops empty
// entries, adds SPKI hashes, and builds the map through FromJson so the result is exactly
// what the user file will read back as.
absl::StatusOr<ImportResult> Finish(ImportSource source, Collected collected,
                                    const ImportOptions& options) {
  std::vector<CaEntry> kept;
  for (CaEntry& entry : collected.entries) {
    std::vector<std::string> valid;
    for (const std::string& id : entry.caa_identifiers) {
      if (IsIssuerDomainName(id)) {
        valid.push_back(id);
      } else {
        collected.rejections.push_back(
            {0, absl::StrCat("'", entry.ca_owner, "': '", id, "' is not an issuer domain name")});
      }
    }
    entry.caa_identifiers = std::move(valid);
    if (entry.caa_identifiers.empty()) {
      collected.rejections.push_back(
          {0, absl::StrCat("'", entry.ca_owner, "': no valid CAA identifiers, entry skipped")});
      continue;
    }
    if (options.spki_by_ski != nullptr) {
      for (const std::string& ski : entry.subject_key_ids_hex) {
        auto it = options.spki_by_ski->find(ski);
        if (it != options.spki_by_ski->end()) AddUnique(&entry.spki_sha256_hex, it->second);
      }
    }
    kept.push_back(std::move(entry));
  }
  absl::StatusOr<IssuerMap> map = IssuerMap::FromJson(IssuerMapJson(kept));
  if (!map.ok()) return absl::InternalError(absl::StrCat("import: ", map.status().message()));
  return ImportResult{source, *std::move(map), collected.rows_read,
                      std::move(collected.rejections)};
}

}  // namespace

absl::string_view ImportSourceName(ImportSource source) {
  switch (source) {
    case ImportSource::kCaaIdentifiersReport:
      return "CCADB CAA identifiers report";
    case ImportSource::kCertificateRecordsReport:
      return "CCADB certificate records report";
    case ImportSource::kIssuerMapJson:
      return "issuer map JSON";
    case ImportSource::kProblemReportingReport:
      return "CCADB problem reporting report";
  }
  return "unknown";
}

size_t ImportResult::IdentifierCount() const {
  size_t count = 0;
  for (const CaEntry& e : map.entries()) count += e.caa_identifiers.size();
  return count;
}

bool IsIssuerDomainName(absl::string_view name) {
  if (name.empty() || name.size() > 253) return false;
  const std::vector<absl::string_view> labels = absl::StrSplit(name, '.');
  if (labels.size() < 2) return false;
  for (absl::string_view label : labels) {
    if (label.empty() || label.size() > 63 || label.front() == '-' || label.back() == '-') {
      return false;
    }
    for (char c : label) {
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    }
  }
  return true;
}

absl::StatusOr<ImportResult> ImportCcadbCsv(absl::string_view text, const ImportOptions& options) {
  CAAWATCH_ASSIGN_OR_RETURN(CsvTable table, ReadCsvTable(text, options.limits));
  Collected collected;
  collected.rows_read = table.rows.size();
  if (table.Column(kCaaDomainsColumn).has_value()) {
    CollectCaaIdentifiersRows(table, options, &collected);
    return Finish(ImportSource::kCaaIdentifiersReport, std::move(collected), options);
  }
  if (OwnerColumn(table).has_value() && table.Column(kSkiBase64Column).has_value()) {
    CollectCertificateRecordRows(table, options, &collected);
    return Finish(ImportSource::kCertificateRecordsReport, std::move(collected), options);
  }
  if (OwnerColumn(table).has_value() && table.Column(kProblemReportingColumn).has_value()) {
    CollectProblemReportingRows(table, options, &collected);
    return Finish(ImportSource::kProblemReportingReport, std::move(collected), options);
  }
  return absl::InvalidArgumentError(
      "not a supported CCADB report: expected a \"Recognized CAA Domains\" column (CAA "
      "Identifiers report), \"CA Owner\" and \"Subject Key Identifier\" columns (All "
      "Certificate Records report) or \"CA Owner\" and \"Problem Reporting Mechanism\" columns "
      "(problem reporting mechanisms)");
}

absl::StatusOr<ImportResult> ImportIssuerJson(absl::string_view text,
                                              const ImportOptions& options) {
  CAAWATCH_ASSIGN_OR_RETURN(IssuerMap map, IssuerMap::FromJson(text));
  Collected collected;
  collected.entries = map.entries();
  collected.rows_read = collected.entries.size();
  return Finish(ImportSource::kIssuerMapJson, std::move(collected), options);
}

absl::StatusOr<ImportResult> ImportIssuerFile(absl::string_view text,
                                              const ImportOptions& options) {
  const absl::string_view start = absl::StripLeadingAsciiWhitespace(text);
  if (absl::StartsWith(start, "[")) return ImportIssuerJson(text, options);
  return ImportCcadbCsv(text, options);
}

absl::StatusOr<std::map<std::string, std::string>> ParseSkiSpkiCsv(absl::string_view text) {
  CAAWATCH_ASSIGN_OR_RETURN(CsvTable table, ReadCsvTable(text));
  const std::optional<size_t> ski_column = table.Column("Subject Key Identifier");
  const std::optional<size_t> spki_column = table.Column("SHA-256(Subject Public Key Info)");
  if (!ski_column || !spki_column) {
    return absl::InvalidArgumentError(
        "SKI/SPKI CSV: expected columns \"Subject Key Identifier\" and \"SHA-256(Subject Public "
        "Key Info)\"");
  }
  std::map<std::string, std::string> out;
  for (const CsvRow& row : table.rows) {
    std::optional<std::string> ski = Base64ToHex(row.fields[*ski_column]);
    std::optional<std::string> spki = Base64ToHex(row.fields[*spki_column], 32);
    if (!ski || !spki) {
      return absl::InvalidArgumentError(
          absl::StrCat("SKI/SPKI CSV line ", row.line, ": not base64 (SKI) / a base64 SHA-256"));
    }
    out.emplace(*std::move(ski), *std::move(spki));
  }
  return out;
}

}  // namespace caawatch::caa
