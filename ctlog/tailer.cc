#include "ctlog/tailer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/sth.h"

namespace caawatch::ctlog {
namespace {
std::string B64(const Sha256Hash& h) {
  return absl::Base64Escape(absl::string_view(reinterpret_cast<const char*>(h.data()), h.size()));
}
}  // namespace

absl::StatusOr<Tailer> Tailer::Create(const LogInfo& log, LogClient* client, TailerOptions options,
                                      TailerState state) {
  CAAWATCH_ASSIGN_OR_RETURN(LogKey key, LogKey::FromDer(log.key_der));
  if (state.tree.size() != state.position || state.verified_tree.size() != state.verified_size) {
    return absl::InvalidArgumentError("tailer state: tree sizes do not match the positions");
  }
  return Tailer(std::move(key), client, options, std::move(state));
}

absl::StatusOr<SignedTreeHead> Tailer::FetchSth() {
  CAAWATCH_ASSIGN_OR_RETURN(SignedTreeHead sth, client_->GetSth());
  CAAWATCH_RETURN_IF_ERROR(VerifySth(key_, sth));
  if (sth.tree_size < state_.verified_size) {
    return absl::DataLossError(absl::StrCat("the log shrank: signed tree size ", sth.tree_size,
                                            " is below the verified size ", state_.verified_size));
  }
  if (sth.tree_size == state_.verified_size && state_.verified_size > 0 &&
      sth.root_hash != state_.verified_root) {
    return absl::DataLossError(absl::StrCat("fork: tree size ", sth.tree_size, " signed with root ",
                                            B64(sth.root_hash), ", verified root is ",
                                            B64(state_.verified_root)));
  }
  if (sth.tree_size == 0 && sth.root_hash != EmptyRoot()) {
    return absl::DataLossError("empty tree signed with a non-empty root");
  }
  return sth;
}

absl::StatusOr<Tailer::Batch> Tailer::FetchBatch(const SignedTreeHead& sth) {
  if (state_.position >= sth.tree_size) {
    return absl::InvalidArgumentError("FetchBatch: nothing to fetch below the tree size");
  }
  const uint64_t last = std::min(sth.tree_size, state_.position + options_.max_batch) - 1;
  Batch batch;
  batch.start = state_.position;
  CAAWATCH_ASSIGN_OR_RETURN(batch.entries, client_->GetEntries(state_.position, last));
  if (batch.entries.empty() || batch.entries.size() > last - state_.position + 1) {
    return absl::DataLossError(absl::StrCat("get-entries ", state_.position, "-", last,
                                            " returned ", batch.entries.size(), " entries"));
  }
  for (const RawEntry& e : batch.entries) state_.tree.Append(HashLeaf(e.leaf_input));
  state_.position += batch.entries.size();
  if (state_.position < sth.tree_size) return batch;
  const Sha256Hash root = state_.tree.Root();
  if (root == sth.root_hash) {
    batch.verification = Verification::kVerified;
    state_.verified_size = state_.position;
    state_.verified_root = root;
    state_.verified_tree = state_.tree;
  } else {
    batch.verification = Verification::kRootMismatch;
    batch.computed_root = root;
    state_.position = state_.verified_size;
    state_.tree = state_.verified_tree;
  }
  return batch;
}

}  // namespace caawatch::ctlog
