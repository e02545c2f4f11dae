// User extensions of the CA -> CAA identifier map (SPEC §3, caa-rules.md §7.2): a CCADB report
// export (CSV) or a JSON file of the built-in shape, turned into IssuerMap entries. Columns are
// found by header name; whatever cannot be used is reported with its line, never dropped
// silently.
#ifndef CAAWATCH_CAA_CCADB_IMPORT_H_
#define CAAWATCH_CAA_CCADB_IMPORT_H_

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caa/csv_reader.h"
#include "caa/issuer_map.h"

namespace caawatch::caa {

enum class ImportSource {
  // AllCAAIdentifiersReportCSVV2 (and the legacy CAInformationReport): has "Recognized CAA
  // Domains"; "Subject" (a "; "-separated DN), "Subject Key Identifier (Hex)", "CA Owner" or
  // "CA Owner Name" and "Problem Reporting Mechanism" (the CA's contacts) are used when present.
  kCaaIdentifiersReport,
  // AllCertificateRecordsCSVFormat (v4/v4a/v4b/v5): "CA Owner" + "Subject Key Identifier"
  // (base64), no CAA column: contributes CA keys to owners whose identifiers are known.
  kCertificateRecordsReport,
  // A JSON array in the shape of caa-identifiers.json (IssuerMap::FromJson).
  kIssuerMapJson,
  // A report of CA owners and their "Problem Reporting Mechanism" without CAA domains (CCADB's
  // list of problem reporting mechanisms): contacts for owners whose identifiers are known.
  kProblemReportingReport,
};

absl::string_view ImportSourceName(ImportSource source);

// Something in the input that was not imported. line 0 means the whole file.
struct ImportRejection {
  size_t line = 0;
  std::string reason;
};

struct ImportOptions {
  // The map the import extends (normally the effective one). A row whose owner or issuer O=
  // matches one of its entries (case-insensitive) takes that entry's ca_owner, so imports merge
  // into existing owners; certificate-record rows take that entry's identifiers. May be null.
  const IssuerMap* known = nullptr;
  // Lowercase hex SKI -> lowercase hex SHA-256(SPKI) (see ParseSkiSpkiCsv): entries gain the
  // SPKI hash of every SKI listed here, the strongest Lookup key. May be null.
  const std::map<std::string, std::string>* spki_by_ski = nullptr;
  CsvLimits limits;
};

struct ImportResult {
  ImportSource source;
  IssuerMap map;  // One entry per CA owner; every entry has at least one identifier.
  size_t rows_read = 0;
  std::vector<ImportRejection> rejections;

  size_t IdentifierCount() const;  // Sum over entries.
};

// Imports a CCADB CSV export, recognised by its header. CAA identifier cells are split on
// commas and whitespace, lowercased, stripped of one trailing dot and kept only if they are LDH
// domain names of two or more labels ("None", "N/A" and prose are rejected with their line).
// Rows without a usable owner or identifier, undecodable key identifiers and certificate
// records of owners absent from options.known are rejections. kInvalidArgument for a CSV
// syntax error (with its line) or a header that is neither report.
[[nodiscard]] absl::StatusOr<ImportResult> ImportCcadbCsv(absl::string_view text,
                                                          const ImportOptions& options);

// Imports a JSON map of the built-in shape, with the same identifier checks and options as
// ImportCcadbCsv (lines are reported as 0). kInvalidArgument if IssuerMap::FromJson rejects it.
[[nodiscard]] absl::StatusOr<ImportResult> ImportIssuerJson(absl::string_view text,
                                                            const ImportOptions& options);

// JSON when the first non-blank character is '[', otherwise CSV.
[[nodiscard]] absl::StatusOr<ImportResult> ImportIssuerFile(absl::string_view text,
                                                            const ImportOptions& options);

// True if `name` is an LDH domain name usable as a CAA issuer domain: 2+ labels of [a-z0-9-],
// 1-63 bytes each, no leading or trailing hyphen, at most 253 bytes, lowercase.
bool IsIssuerDomainName(absl::string_view name);

// Reads crt.sh's ski_spkisha256.csv ("Subject Key Identifier","SHA-256(Subject Public Key
// Info)", both base64) into lowercase hex SKI -> hex SPKI SHA-256. kInvalidArgument on a CSV
// error, a missing column, or a value that is not base64 (SKI) / 32 bytes of base64 (SPKI).
[[nodiscard]] absl::StatusOr<std::map<std::string, std::string>> ParseSkiSpkiCsv(
    absl::string_view text);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_CCADB_IMPORT_H_
