#include "ctlog/log_tailer.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/misbehaviour.h"

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

std::optional<SignedTreeHead> VerifiedHead(const TailerState& state) {
  if (state.verified_size == 0) return std::nullopt;
  SignedTreeHead v;
  v.tree_size = state.verified_size;
  v.timestamp_ms = state.verified_timestamp_ms;
  v.root_hash = state.verified_root;
  return v;
}

namespace {

absl::Status Accuse(MisbehaviourKind kind, std::string message, const SignedTreeHead& head,
                    const TailerState& state, std::vector<Sha256Hash> proof = {}) {
  Misbehaviour m;
  m.kind = kind;
  m.message = std::move(message);
  m.head = head;
  m.against = VerifiedHead(state);
  m.proof = std::move(proof);
  return MisbehaviourError(m);
}

}  // namespace

absl::Status AuditTreeHead(const TailerState& state, const SignedTreeHead& head,
                           ConsistencyProver prove) {
  if (head.tree_size == 0 && head.root_hash != EmptyRoot()) {
    return Accuse(MisbehaviourKind::kFork, "empty tree signed with a non-empty root", head, state);
  }
  const uint64_t v = state.verified_size;
  if (v == 0) return absl::OkStatus();
  const bool newer =
      state.verified_timestamp_ms != 0 && head.timestamp_ms > state.verified_timestamp_ms;
  const bool older = head.timestamp_ms < state.verified_timestamp_ms;
  if (head.tree_size == v) {
    if (head.root_hash == state.verified_root) return absl::OkStatus();
    return Accuse(MisbehaviourKind::kFork,
                  absl::StrCat("fork: tree size ", v, " signed with root ", B64(head.root_hash),
                               ", verified root is ", B64(state.verified_root)),
                  head, state);
  }
  if ((head.tree_size < v && newer) || (head.tree_size > v && older)) {
    return Accuse(MisbehaviourKind::kShrank,
                  absl::StrCat("the log shrank: it signed tree size ", head.tree_size, " at ",
                               head.timestamp_ms, " ms and tree size ", v, " at ",
                               state.verified_timestamp_ms, " ms"),
                  head, state);
  }
  if (head.tree_size == 0) return absl::OkStatus();  // An older empty head: nothing to prove.
  const uint64_t m = std::min(head.tree_size, v);
  const uint64_t n = std::max(head.tree_size, v);
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<Sha256Hash> proof, prove(m, n));
  const Sha256Hash& root_m = head.tree_size < v ? head.root_hash : state.verified_root;
  const Sha256Hash& root_n = head.tree_size < v ? state.verified_root : head.root_hash;
  const absl::Status consistent = VerifyConsistency(m, n, root_m, root_n, proof);
  if (consistent.ok()) return absl::OkStatus();
  return Accuse(MisbehaviourKind::kInconsistent,
                absl::StrCat("inconsistent tree heads: size ", m, " root ", B64(root_m),
                             " is not a prefix of size ", n, " root ", B64(root_n), " (",
                             consistent.message(), ")"),
                head, state, std::move(proof));
}

absl::Status BadSignatureError(const SignedTreeHead& head, absl::string_view what,
                               const absl::Status& why) {
  Misbehaviour m;
  m.kind = MisbehaviourKind::kBadSignature;
  m.message = absl::StrCat(what, " of size ", head.tree_size, ": ", why.message());
  m.head = head;
  return MisbehaviourError(m);
}

absl::Status CheckTreeHeadAge(const SignedTreeHead& newest, absl::Duration mmd, absl::Time now,
                              absl::Duration tolerance) {
  const absl::Time signed_at = absl::FromUnixMillis(static_cast<int64_t>(newest.timestamp_ms));
  const absl::Duration age = now - signed_at;
  if (age <= mmd + tolerance) return absl::OkStatus();
  Misbehaviour m;
  m.kind = MisbehaviourKind::kStale;
  m.message = absl::StrCat("the newest tree head (size ", newest.tree_size, ", signed ",
                           absl::FormatTime(signed_at, absl::UTCTimeZone()), ") is ",
                           absl::FormatDuration(absl::Trunc(age, absl::Seconds(1))),
                           " old, more than the MMD of ", absl::FormatDuration(mmd));
  m.head = newest;
  return MisbehaviourError(m);
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
    state->verified_timestamp_ms = sth.timestamp_ms;
    state->verified_tree = state->tree;
  } else {
    batch->verification = LogTailer::Verification::kRootMismatch;
    batch->computed_root = root;
    state->position = state->verified_size;
    state->tree = state->verified_tree;
  }
}

}  // namespace caawatch::ctlog
