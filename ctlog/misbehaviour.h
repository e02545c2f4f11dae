// Evidence that a log misbehaved (SPEC §2 `log_misbehaviour`): what was wrong, the signed heads
// involved and the proof that failed. It travels as the payload of a kDataLoss status so that
// every layer between the check and the store passes it on unchanged.
#ifndef CAAWATCH_CTLOG_MISBEHAVIOUR_H_
#define CAAWATCH_CTLOG_MISBEHAVIOUR_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

enum class MisbehaviourKind {
  kBadSignature,  // A tree head whose signature does not verify with the log's key.
  kRootMismatch,  // The entries served do not hash to the signed root.
  kInconsistent,  // Two signed heads of different sizes that no consistency proof links.
  kFork,          // Two signed heads of the same size with different roots.
  kShrank,        // A head newer than the verified one, for a smaller tree.
  kStale,         // The newest head the log serves is older than its MMD allows.
  // A checkpoint carries a cosignature line of a configured witness (its name and key ID) that
  // does not verify with the witness's key (c2sp.org/tlog-cosignature): forged or garbled. The
  // head itself may be fine; the cosignature is never counted.
  kBadCosignature,
};

const char* MisbehaviourKindName(MisbehaviourKind kind);  // "bad_signature", "fork", ...

struct Misbehaviour {
  MisbehaviourKind kind = MisbehaviourKind::kInconsistent;
  std::string message;
  SignedTreeHead head;                      // The head accused (as served, signature included).
  std::optional<SignedTreeHead> against;    // The verified head it was checked against.
  std::vector<Sha256Hash> proof;            // The consistency proof that failed, if any.
  std::optional<Sha256Hash> computed_root;  // kRootMismatch: what the entries hash to.
  std::string checkpoint_note;              // Tiled logs: the note as served.
  // The witness concerned: whose cosignature failed (kBadCosignature), or which witness served
  // `head` as its latest cosigned checkpoint of the log (a split view). "" otherwise.
  std::string witness;
};

// kDataLoss with `m.message` and `m` attached as a payload.
absl::Status MisbehaviourError(const Misbehaviour& m);
// The evidence attached by MisbehaviourError, or nullopt for any other status.
std::optional<Misbehaviour> MisbehaviourOf(const absl::Status& status);

// The evidence as a JSON object: {"kind", "message", "head": {tree_size, timestamp,
// sha256_root_hash, tree_head_signature} (base64), "against": {...}, "consistency": [...],
// "computed_root", "checkpoint", "witness"}; absent parts are omitted.
std::string MisbehaviourJson(const Misbehaviour& m);

// Identifies the event, not the moment it was seen: the kind and the heads' sizes and roots (and
// timestamps for kShrank/kStale), so the same misbehaviour seen again is recognised as such.
std::string MisbehaviourDedupeKey(const Misbehaviour& m);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_MISBEHAVIOUR_H_
