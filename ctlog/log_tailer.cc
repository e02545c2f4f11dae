#include "ctlog/log_tailer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace caawatch::ctlog {
namespace {

std::string B64(const Sha256Hash& h) {
  return absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}

}  // namespace

absl::Status CheckTailerState(const TailerState& state) {
  if (state.tree.size() != state.position || state.verified_tree.size() != state.verified_size) {
    return absl::InvalidArgumentError("tailer state: tree sizes do not match the positions");
  }
  return absl::OkStatus();
}

absl::Status CheckTreeHeadAgainstState(const TailerState& state, const SignedTreeHead& sth) {
  if (sth.tree_size < state.verified_size) {
    return absl::DataLossError(absl::StrCat("the log shrank: signed tree size ", sth.tree_size,
                                            " is below the verified size ", state.verified_size));
  }
  if (sth.tree_size == state.verified_size && state.verified_size > 0 &&
      sth.root_hash != state.verified_root) {
    return absl::DataLossError(absl::StrCat("fork: tree size ", sth.tree_size, " signed with root ",
                                            B64(sth.root_hash), ", verified root is ",
                                            B64(state.verified_root)));
  }
  if (sth.tree_size == 0 && sth.root_hash != EmptyRoot()) {
    return absl::DataLossError("empty tree signed with a non-empty root");
  }
  return absl::OkStatus();
}

void FoldBatch(const SignedTreeHead& sth, TailerState* state, LogTailer::Batch* batch) {
  for (const RawEntry& e : batch->entries) state->tree.Append(HashLeaf(e.leaf_input));
  state->position += batch->entries.size();
  if (state->position < sth.tree_size) return;
  const Sha256Hash root = state->tree.Root();
  if (root == sth.root_hash) {
    batch->verification = LogTailer::Verification::kVerified;
    state->verified_size = state->position;
    state->verified_root = root;
    state->verified_tree = state->tree;
  } else {
    batch->verification = LogTailer::Verification::kRootMismatch;
    batch->computed_root = root;
    state->position = state->verified_size;
    state->tree = state->verified_tree;
  }
}

}  // namespace caawatch::ctlog
