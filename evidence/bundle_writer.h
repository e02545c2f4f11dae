// Writes the log evidence of an evidence bundle (SPEC §8): per log entry its entry, proof and
// head files, and the keys of the logs. Nothing is written that does not verify.
#ifndef CAAWATCH_EVIDENCE_BUNDLE_WRITER_H_
#define CAAWATCH_EVIDENCE_BUNDLE_WRITER_H_

#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ctlog/log_key.h"
#include "evidence/bundle_files.h"
#include "evidence/entry_evidence.h"

namespace caawatch::evidence {

// Verifies `evidence` with `key` (VerifyEntryEvidence) and writes its entry-, proof- and
// head-*.json into the existing directory `dir` (a head several entries share is written
// once, the same bytes). kDataLoss when it does not verify (nothing written), kInternal when a
// file cannot be written.
[[nodiscard]] absl::Status WriteEntryEvidence(absl::string_view dir, const ctlog::LogKey& key,
                                              const EntryEvidence& evidence);

// Writes `text` as the file `name` of `dir`. kInternal when it cannot be written.
[[nodiscard]] absl::Status WriteBundleFile(absl::string_view dir, const std::string& name,
                                           const std::string& text);

// Writes log-keys.json. kInternal when it cannot be written.
[[nodiscard]] absl::Status WriteLogKeys(absl::string_view dir, absl::Span<const BundleLogKey> logs);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_BUNDLE_WRITER_H_
