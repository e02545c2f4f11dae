// Where the user's extensions of the CA -> CAA identifier map live (SPEC §3): one JSON file of
// the built-in shape, <data-dir>/issuers.json, merged over the built-in map at startup.
#ifndef CAAWATCH_CAA_ISSUER_STORE_H_
#define CAAWATCH_CAA_ISSUER_STORE_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "caa/issuer_map.h"

namespace caawatch::caa {

// "<data_dir>/issuers.json".
std::string UserIssuerMapPath(const std::string& data_dir);

// The effective map: IssuerMap::BuiltIn() merged (IssuerMap::Merge) with the user file if it
// exists; the built-in map alone if it does not. kInvalidArgument naming the file if it cannot
// be read or is not of the built-in shape; kInternal if the built-in map is broken.
[[nodiscard]] absl::StatusOr<IssuerMap> LoadIssuerMap(const std::string& data_dir);

// The user file alone: an empty map if it does not exist; errors as LoadIssuerMap.
[[nodiscard]] absl::StatusOr<IssuerMap> LoadUserIssuerMap(const std::string& data_dir);

// Replaces the user file with `map` (written to a temporary file, then renamed, so a reader
// sees the old or the new map, never half of one), creating data_dir if needed.
// kFailedPrecondition if the directory or file cannot be written.
[[nodiscard]] absl::Status SaveUserIssuerMap(const std::string& data_dir, const IssuerMap& map);

// `entries` as caa-identifiers.json shapes them: a JSON array of objects with "ca_owner",
// "caa_identifiers" and the non-empty optional lists; IssuerMap::FromJson reads it back equal.
std::string IssuerMapJson(const std::vector<CaEntry>& entries);
// One entry as a single-line JSON object of the same shape (for JSON-lines output).
std::string CaEntryJsonLine(const CaEntry& entry);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_ISSUER_STORE_H_
