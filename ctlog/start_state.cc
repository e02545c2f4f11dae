#include "ctlog/start_state.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/merkle.h"

namespace caawatch::ctlog {

absl::StatusOr<TailerState> StartStateAt(LogClient& client, uint64_t position) {
  TailerState state;
  if (position == 0) return state;
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<RawEntry> last,
                            client.GetEntries(position - 1, position - 1));
  if (last.size() != 1) return absl::DataLossError("get-entries for one entry returned several");
  const Sha256Hash leaf_hash = HashLeaf(last[0].leaf_input);
  CAAWATCH_ASSIGN_OR_RETURN(InclusionProof proof, client.GetProofByHash(leaf_hash, position));
  if (proof.leaf_index != position - 1) {
    return absl::DataLossError(absl::StrCat("get-proof-by-hash: leaf index ", proof.leaf_index,
                                            ", expected ", position - 1));
  }
  // The audit path runs leaf-upwards; the collapsed tree stores the edge root-side first.
  absl::StatusOr<CollapsedTree> tree = CollapsedTree::FromNodes(
      position - 1, std::vector<Sha256Hash>(proof.audit_path.rbegin(), proof.audit_path.rend()));
  if (!tree.ok()) {
    return absl::DataLossError(absl::StrCat("get-proof-by-hash: audit path of ",
                                            proof.audit_path.size(), " nodes does not fit size ",
                                            position));
  }
  tree->Append(leaf_hash);
  state.position = position;
  state.tree = *tree;
  state.verified_size = position;
  state.verified_root = tree->Root();
  state.verified_tree = *tree;
  return state;
}

}  // namespace caawatch::ctlog
