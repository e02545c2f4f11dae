// The tailing step as one interface for every kind of CT log (RFC 6962 get-entries, static-ct-api
// tiles): fetch and verify a signed tree head, fetch the next entries in order, fold their leaf
// hashes into the collapsed tree and check the root whenever the tree reaches a signed size.
// No threads, no clock, no storage; entries count as verified only once a root matched.
#ifndef CAAWATCH_CTLOG_LOG_TAILER_H_
#define CAAWATCH_CTLOG_LOG_TAILER_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctlog/log_types.h"
#include "ctlog/merkle.h"

namespace caawatch::ctlog {

// What a caller persists to resume tailing; the same for every kind of log.
struct TailerState {
  uint64_t position = 0;       // Entries [0, position) fetched and folded into `tree`.
  CollapsedTree tree;          // size() == position.
  uint64_t verified_size = 0;  // The last size whose root matched a signed tree head.
  Sha256Hash verified_root{};
  // Timestamp of the signed head that verified_size was verified against; 0 if unknown (states
  // saved before it was kept, or a start position trusted on first use).
  uint64_t verified_timestamp_ms = 0;
  CollapsedTree verified_tree;  // size() == verified_size: where to rewind on a mismatch.
};

// The head `state` verified (size, root, timestamp; no signature), against which misbehaviour
// is judged (Misbehaviour::against); none before anything was verified.
std::optional<SignedTreeHead> VerifiedHead(const TailerState& state);

class LogTailer {
 public:
  enum class Verification { kPending, kVerified, kRootMismatch };
  struct Batch {
    uint64_t start = 0;  // Log index of entries[0].
    // RFC 6962 get-entries elements whatever the log's kind (ctlog/leaf.h decodes them).
    std::vector<RawEntry> entries;
    Verification verification = Verification::kPending;
    Sha256Hash computed_root{};  // kRootMismatch: what the entries hash to.
  };

  virtual ~LogTailer() = default;

  // Fetches the log's latest signed tree head and checks it: the signature verifies (else
  // kDataLoss, kBadSignature evidence), then Audit() does. kUnavailable for transport errors
  // (retry later). Every kDataLoss carries ctlog/misbehaviour.h evidence when the head parsed.
  [[nodiscard]] virtual absl::StatusOr<SignedTreeHead> FetchSth() = 0;

  // Checks a signed head of this log against the verified state (AuditTreeHead below), fetching
  // the consistency proof it needs: get-sth-consistency for RFC 6962 logs, computed from the hash
  // tiles for static-ct-api logs. Also used for heads seen earlier, once the verified size moved.
  // kDataLoss with evidence for misbehaviour; kUnavailable when the proof cannot be fetched.
  [[nodiscard]] virtual absl::Status Audit(const SignedTreeHead& head) = 0;

  // Fetches entries from position() on, never beyond `sth.tree_size`, folds them in, and when
  // the tree reaches sth.tree_size compares roots: kVerified advances the verified state;
  // kRootMismatch rewinds to it. At least one entry on success. Precondition: position <
  // sth.tree_size (else kInvalidArgument) and sth came from FetchSth(). kDataLoss when the log
  // serves malformed or missing data, kUnavailable for transport errors.
  [[nodiscard]] virtual absl::StatusOr<Batch> FetchBatch(const SignedTreeHead& sth) = 0;

  // PROOF(m, D[n]) for 0 < m < n <= a verified head's size, from wherever the log offers it
  // (get-sth-consistency, or the hash tiles of the tree of size n). Nothing is checked here: the
  // caller verifies it against signed roots. A monitor uses it to prove a prefix of the entries
  // it read (the collapsed tree at m) is in a signed tree before it trusts them (issue 15).
  [[nodiscard]] virtual absl::StatusOr<std::vector<Sha256Hash>> ConsistencyProof(uint64_t m,
                                                                                 uint64_t n) = 0;

  virtual const TailerState& state() const = 0;
  // Tiled logs: the signed note of the last head FetchSth() accepted, as served (evidence kept
  // with the head). Empty for RFC 6962 logs, whose head is the STH itself.
  virtual std::string LastCheckpointNote() const { return {}; }
};

// kInvalidArgument unless the trees have the sizes the positions say (a corrupt saved state).
absl::Status CheckTailerState(const TailerState& state);

// PROOF(m, D[n]) for 0 < m < n, from wherever the log offers it.
using ConsistencyProver =
    absl::FunctionRef<absl::StatusOr<std::vector<Sha256Hash>>(uint64_t m, uint64_t n)>;

// The audit of a head whose signature verified, against the verified head V of `state`
// (nothing to check while verified_size is 0, except that an empty tree has the empty root):
//   same size: the roots are equal, else kFork;
//   larger: PROOF(V.size, head.size) links V's root to head's, else kInconsistent;
//   smaller: PROOF(head.size, V.size) links head's root to V's, else kInconsistent; a smaller
//     head that is not older than V (timestamp > V's) means the log went back: kShrank.
//     An older, consistent smaller head is a stale copy (a cache) and is fine;
//   larger but signed before V: kShrank too (the log signed a smaller tree later).
// Each failure is kDataLoss with Misbehaviour evidence (MisbehaviourError); errors from `prove`
// pass through (kUnavailable: retry).
absl::Status AuditTreeHead(const TailerState& state, const SignedTreeHead& head,
                           ConsistencyProver prove);

// kDataLoss with kBadSignature evidence for `head`, whose signature did not verify (`why`);
// `what` names the head in the message ("tree head", "checkpoint").
absl::Status BadSignatureError(const SignedTreeHead& head, absl::string_view what,
                               const absl::Status& why);

// RFC 6962 §3.5: "Each log MUST produce on demand a Signed Tree Head that is no older than the
// Maximum Merge Delay." `newest` is the newest head the log served (its latest answer, or an
// earlier newer one); it is stale when `now` - its timestamp exceeds `mmd` + `tolerance` (our
// clock skew and polling delay). kDataLoss with kStale evidence then, else OK. The tree itself
// may still be fine: the caller records the finding and keeps tailing verified data.
absl::Status CheckTreeHeadAge(const SignedTreeHead& newest, absl::Duration mmd, absl::Time now,
                              absl::Duration tolerance);

// Folds batch->entries, which start at state->position, into state->tree. When the tree then
// has sth.tree_size leaves, compares its root with sth.root_hash: on a match sets kVerified and
// advances the verified state, else sets kRootMismatch and computed_root and rewinds the tree
// to the verified state. Precondition: position + entries <= sth.tree_size.
void FoldBatch(const SignedTreeHead& sth, TailerState* state, LogTailer::Batch* batch);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LOG_TAILER_H_
