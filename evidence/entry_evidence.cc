#include "evidence/entry_evidence.h"

#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/merkle.h"
#include "ctlog/sth.h"

namespace caawatch::evidence {

absl::Status VerifyCheckpointHead(const ctlog::LogKey& key, absl::string_view note,
                                  const ctlog::SignedTreeHead& head) {
  // The origin is the note's own: the key ID binds it to the log ID, the signature to the key.
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::Checkpoint parsed, ctlog::ParseCheckpoint(note));
  CAAWATCH_ASSIGN_OR_RETURN(const ctlog::VerifiedCheckpoint verified,
                            ctlog::VerifyCheckpoint(note, key, parsed.origin));
  if (verified.sth.tree_size != head.tree_size || verified.sth.root_hash != head.root_hash ||
      verified.sth.timestamp_ms != head.timestamp_ms || verified.sth.signature != head.signature) {
    return absl::DataLossError(
        "the checkpoint note signs another tree head than the one given beside it");
  }
  return absl::OkStatus();
}

absl::Status VerifyEntryEvidence(const ctlog::LogKey& key, const EntryEvidence& evidence) {
  if (key.log_id() != evidence.log_id) {
    return absl::DataLossError(absl::StrCat("the log key has log ID ", HexEncode(key.log_id()),
                                            ", not ", HexEncode(evidence.log_id)));
  }
  CAAWATCH_RETURN_IF_ERROR(ctlog::VerifySth(key, evidence.head));
  if (!evidence.checkpoint_note.empty()) {
    CAAWATCH_RETURN_IF_ERROR(VerifyCheckpointHead(key, evidence.checkpoint_note, evidence.head));
  }
  return Annotate(
      ctlog::VerifyInclusion(ctlog::HashLeaf(evidence.entry.leaf_input), evidence.index,
                             evidence.head.tree_size, evidence.audit_path, evidence.head.root_hash),
      absl::StrCat("inclusion of entry ", evidence.index, " in the tree of size ",
                   evidence.head.tree_size));
}

}  // namespace caawatch::evidence
