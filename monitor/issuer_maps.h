// The CA -> CAA identifier map as `caawatch issuers` changes and shows it: the built-in map,
// the user's extensions in <data_dir>/issuers.json (SPEC §3), and the two merged (what every
// command that evaluates certificates uses). Errors as caa/issuer_store.h and ccadb_import.h.
#ifndef CAAWATCH_MONITOR_ISSUER_MAPS_H_
#define CAAWATCH_MONITOR_ISSUER_MAPS_H_

#include <map>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "caa/ccadb_import.h"
#include "caa/issuer_map.h"

namespace caawatch::monitor {

struct IssuerMaps {
  caa::IssuerMap built_in;
  caa::IssuerMap user;       // Empty when there is no user file.
  caa::IssuerMap effective;  // built_in merged with user.
};
[[nodiscard]] absl::StatusOr<IssuerMaps> LoadIssuerMaps(const std::string& data_dir);
// IssuerMaps::effective alone.
[[nodiscard]] absl::StatusOr<caa::IssuerMap> LoadEffectiveIssuerMap(const std::string& data_dir);

// A crt.sh ski_spkisha256.csv: lowercase hex SKI -> hex SPKI SHA-256.
using SkiSpkiTable = std::map<std::string, std::string>;
[[nodiscard]] absl::StatusOr<SkiSpkiTable> ParseSkiSpkiTable(absl::string_view csv);

// Reads a CCADB CSV export or a JSON map (`text`) against the `known` map; `ski_spki` may be
// null. The result says what would be imported and every rejected row.
[[nodiscard]] absl::StatusOr<caa::ImportResult> ParseIssuerImport(absl::string_view text,
                                                                  const caa::IssuerMap& known,
                                                                  const SkiSpkiTable* ski_spki);
// Merges `imported` into the user file (or, with `replace`, makes it the user file) and returns
// the file's path.
[[nodiscard]] absl::StatusOr<std::string> SaveImportedIssuers(const std::string& data_dir,
                                                              const caa::IssuerMap& imported,
                                                              bool replace);

// "caa_identifiers_report", ... (caa::ImportSourceName).
std::string ImportSourceName(caa::ImportSource source);
// One entry as a single-line JSON object of the built-in file's shape.
std::string IssuerEntryJsonLine(const caa::CaEntry& entry);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_ISSUER_MAPS_H_
