// One log entry's proof of inclusion (RFC 6962 §2.1.1, §4.5) and the signed tree head it
// verifies against (§3.5), as a bundle carries it, and the check a third party repeats.
#ifndef CAAWATCH_EVIDENCE_ENTRY_EVIDENCE_H_
#define CAAWATCH_EVIDENCE_ENTRY_EVIDENCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "ctlog/log_key.h"
#include "ctlog/log_types.h"
#include "ctlog/sha256.h"

namespace caawatch::evidence {

struct EntryEvidence {
  ctlog::Sha256Hash log_id{};
  uint64_t index = 0;          // The entry's leaf index in the log.
  ctlog::RawEntry entry;       // leaf_input (the MerkleTreeLeaf) and extra_data as served.
  ctlog::SignedTreeHead head;  // The head the proof leads to, with the log's signature.
  std::vector<ctlog::Sha256Hash> audit_path;  // PATH(index, D[head.tree_size]).
  // A static-ct-api log's head: its checkpoint note as served, which `head` was read from
  // (the note's RFC6962NoteSignature is the STH signature). "" for an RFC 6962 log.
  std::string checkpoint_note;
};

// OK when `note` is a checkpoint signed by the log of `key` (c2sp.org/static-ct-api: the
// RFC6962NoteSignature of its own origin line) for exactly `head` (size, root, timestamp,
// signature). kDataLoss saying what differs otherwise.
[[nodiscard]] absl::Status VerifyCheckpointHead(const ctlog::LogKey& key, absl::string_view note,
                                                const ctlog::SignedTreeHead& head);

// OK when `key` is the log's (its SHA-256 is log_id), signed `head` (and, with a checkpoint
// note, the note: VerifyCheckpointHead), and the audit path leads from SHA-256(0x00 ||
// leaf_input) at `index` to the head's root. kDataLoss saying which part
// failed otherwise. extra_data is not covered by the log's signature and is not checked here.
[[nodiscard]] absl::Status VerifyEntryEvidence(const ctlog::LogKey& key,
                                               const EntryEvidence& evidence);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_ENTRY_EVIDENCE_H_
