#include "evidence/entry_evidence.h"

#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/merkle.h"
#include "ctlog/sth.h"

namespace caawatch::evidence {

absl::Status VerifyEntryEvidence(const ctlog::LogKey& key, const EntryEvidence& evidence) {
  if (key.log_id() != evidence.log_id) {
    return absl::DataLossError(absl::StrCat("the log key has log ID ", HexEncode(key.log_id()),
                                            ", not ", HexEncode(evidence.log_id)));
  }
  CAAWATCH_RETURN_IF_ERROR(ctlog::VerifySth(key, evidence.head));
  return Annotate(
      ctlog::VerifyInclusion(ctlog::HashLeaf(evidence.entry.leaf_input), evidence.index,
                             evidence.head.tree_size, evidence.audit_path, evidence.head.root_hash),
      absl::StrCat("inclusion of entry ", evidence.index, " in the tree of size ",
                   evidence.head.tree_size));
}

}  // namespace caawatch::evidence
