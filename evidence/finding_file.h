// finding.json of an evidence bundle (the SPEC §4 finding JSON) as the bundle's other files
// must agree with it: its log entries are the ones proven, its certificate hashes are those of
// the PEM files.
#ifndef CAAWATCH_EVIDENCE_FINDING_FILE_H_
#define CAAWATCH_EVIDENCE_FINDING_FILE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/sha256.h"

namespace caawatch::evidence {

inline constexpr char kFindingFileName[] = "finding.json";

struct FindingEntry {
  ctlog::Sha256Hash log_id{};
  uint64_t index = 0;
  // From the entry's "inclusion", when the finding kept it.
  std::optional<ctlog::Sha256Hash> leaf_hash;
  uint64_t tree_size = 0;
  ctlog::Sha256Hash root_hash{};
};

struct FindingFile {
  std::string cert_sha256;     // Lowercase hex; "" when null.
  std::string precert_sha256;  // Lowercase hex; "" when null.
  std::string tbs_sha256;      // Lowercase hex; "" when null (a malformed certificate).
  std::vector<FindingEntry> entries;
};

// The facts above from finding.json; kDataLoss when it is not a finding object (a missing or
// mistyped field, a log ID or hash that is not base64 of 32 bytes).
[[nodiscard]] absl::StatusOr<FindingFile> ParseFindingJson(absl::string_view text);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_FINDING_FILE_H_
