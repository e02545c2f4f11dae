// The files of an evidence bundle that carry log entries, their inclusion proofs, the signed
// heads they verify against and the log keys, and their exact JSON text. Every file is the
// canonical JSON this writes (sorted keys, two-space indent, a final newline), so a reader can
// tell any change of a byte: a file that does not re-encode to itself is rejected.
#ifndef CAAWATCH_EVIDENCE_BUNDLE_FILES_H_
#define CAAWATCH_EVIDENCE_BUNDLE_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "ctlog/log_types.h"
#include "ctlog/sha256.h"
#include "evidence/entry_evidence.h"

namespace caawatch::evidence {

inline constexpr char kLogKeysFileName[] = "log-keys.json";
// Each file is at most this large (an entry's chain is tens of KiB).
inline constexpr size_t kMaxBundleFileBytes = 4 << 20;

// "entry-<log>-<index>.json", "proof-<log>-<index>.json", "head-<log>-<tree size>.json", where
// <log> is the first 8 bytes of the log ID in hex.
std::string EntryFileName(const ctlog::Sha256Hash& log_id, uint64_t index);
std::string ProofFileName(const ctlog::Sha256Hash& log_id, uint64_t index);
std::string HeadFileName(const ctlog::Sha256Hash& log_id, uint64_t tree_size);

// entry-*.json: {"extra_data", "leaf_index", "leaf_input", "log_id"} (bytes in base64).
std::string EntryJson(const ctlog::Sha256Hash& log_id, uint64_t index,
                      const ctlog::RawEntry& entry);
// proof-*.json: {"audit_path": [...], "leaf_hash", "leaf_index", "log_id", "tree_size"}.
std::string ProofJson(const ctlog::Sha256Hash& log_id, uint64_t index, uint64_t tree_size,
                      const ctlog::Sha256Hash& leaf_hash,
                      absl::Span<const ctlog::Sha256Hash> audit_path);
// head-*.json: the get-sth answer (RFC 6962 §4.3) plus its "log_id"; for a static-ct-api log
// also "checkpoint", the note as the log served it, which the other fields were read from.
std::string HeadJson(const ctlog::Sha256Hash& log_id, const ctlog::SignedTreeHead& head,
                     const std::string& checkpoint_note = "");

struct BundleLogKey {
  ctlog::Sha256Hash log_id{};
  std::vector<uint8_t> key_der;  // SubjectPublicKeyInfo, as the log list gives it.
  std::string description;
};
// log-keys.json: {"logs": [{"description", "key", "log_id"}...]}.
std::string LogKeysJson(absl::Span<const BundleLogKey> logs);

struct EntryFile {
  ctlog::Sha256Hash log_id{};
  uint64_t index = 0;
  ctlog::RawEntry entry;
};
struct ProofFile {
  ctlog::Sha256Hash log_id{};
  uint64_t index = 0;
  uint64_t tree_size = 0;
  ctlog::Sha256Hash leaf_hash{};
  std::vector<ctlog::Sha256Hash> audit_path;
};
struct HeadFile {
  ctlog::Sha256Hash log_id{};
  ctlog::SignedTreeHead head;
  std::string checkpoint_note;  // "" for an RFC 6962 log.
};

// Each parser returns kDataLoss for JSON that is not exactly what the writer above makes of
// the values it holds (a missing or extra key, bad base64, a changed byte anywhere).
[[nodiscard]] absl::StatusOr<EntryFile> ParseEntryJson(absl::string_view text);
[[nodiscard]] absl::StatusOr<ProofFile> ParseProofJson(absl::string_view text);
[[nodiscard]] absl::StatusOr<HeadFile> ParseHeadJson(absl::string_view text);
[[nodiscard]] absl::StatusOr<std::vector<BundleLogKey>> ParseLogKeysJson(absl::string_view text);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_BUNDLE_FILES_H_
