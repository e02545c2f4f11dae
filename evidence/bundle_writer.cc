#include "evidence/bundle_writer.h"

#include <fstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/merkle.h"

namespace caawatch::evidence {
absl::Status WriteBundleFile(absl::string_view dir, const std::string& name,
                             const std::string& text) {
  const std::string path = absl::StrCat(dir, "/", name);
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(text.data(), static_cast<std::streamsize>(text.size()));
  out.close();
  if (!out) return absl::InternalError(absl::StrCat("cannot write ", QuoteInput(path)));
  return absl::OkStatus();
}

absl::Status WriteEntryEvidence(absl::string_view dir, const ctlog::LogKey& key,
                                const EntryEvidence& evidence) {
  CAAWATCH_RETURN_IF_ERROR(VerifyEntryEvidence(key, evidence));
  CAAWATCH_RETURN_IF_ERROR(
      WriteBundleFile(dir, EntryFileName(evidence.log_id, evidence.index),
                      EntryJson(evidence.log_id, evidence.index, evidence.entry)));
  CAAWATCH_RETURN_IF_ERROR(
      WriteBundleFile(dir, ProofFileName(evidence.log_id, evidence.index),
                      ProofJson(evidence.log_id, evidence.index, evidence.head.tree_size,
                                ctlog::HashLeaf(evidence.entry.leaf_input), evidence.audit_path)));
  return WriteBundleFile(dir, HeadFileName(evidence.log_id, evidence.head.tree_size),
                         HeadJson(evidence.log_id, evidence.head, evidence.checkpoint_note));
}

absl::Status WriteLogKeys(absl::string_view dir, absl::Span<const BundleLogKey> logs) {
  return WriteBundleFile(dir, kLogKeysFileName, LogKeysJson(logs));
}

}  // namespace caawatch::evidence
