#include "ctlog/tailer.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/misbehaviour.h"
#include "ctlog/sth.h"

namespace caawatch::ctlog {

absl::StatusOr<Tailer> Tailer::Create(const LogInfo& log, LogClient* client, TailerOptions options,
                                      TailerState state) {
  CAAWATCH_ASSIGN_OR_RETURN(LogKey key, LogKey::FromDer(log.key_der));
  CAAWATCH_RETURN_IF_ERROR(CheckTailerState(state));
  return Tailer(std::move(key), client, options, std::move(state));
}

absl::StatusOr<SignedTreeHead> Tailer::FetchSth() {
  CAAWATCH_ASSIGN_OR_RETURN(SignedTreeHead sth, client_->GetSth());
  CAAWATCH_RETURN_IF_ERROR(Audit(sth));
  return sth;
}

absl::Status Tailer::Audit(const SignedTreeHead& head) {
  if (const absl::Status signed_ok = VerifySth(key_, head); !signed_ok.ok()) {
    Misbehaviour m;
    m.kind = MisbehaviourKind::kBadSignature;
    m.message = absl::StrCat("tree head of size ", head.tree_size, ": ", signed_ok.message());
    m.head = head;
    return MisbehaviourError(m);
  }
  return AuditTreeHead(
      state_, head, [this](uint64_t m, uint64_t n) { return client_->GetConsistencyProof(m, n); });
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
  FoldBatch(sth, &state_, &batch);
  return batch;
}

}  // namespace caawatch::ctlog
