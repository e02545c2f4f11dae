// The witnesses' side of each checkpoint a log's worker reads (SPEC §9, issue 21): which
// configured witnesses cosigned the head (c2sp.org/tlog-cosignature), kept with the head's
// record in the store (SCHEMA.md `tree_heads`, so bounded and retained as heads are); whether the
// log's quorum is met, so that a head with too few cosignatures waits instead of being tailed
// to; and a cosignature line of a configured witness that does not verify, as misbehaviour
// evidence. Owned by the log's worker; not thread-safe.
#ifndef CAAWATCH_TAIL_WITNESS_COSIGNATURES_H_
#define CAAWATCH_TAIL_WITNESS_COSIGNATURES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "ctlog/log_types.h"
#include "ctlog/witness_policy.h"
#include "store/logs.h"

namespace caawatch::tail {

class WitnessCosignatures {
 public:
  struct Outcome {
    // Configured witnesses with a valid cosignature of this tree, now or in an earlier copy of
    // the checkpoint, by name.
    std::vector<std::string> cosigned_by;
    bool quorum_met = true;
    // kDataLoss statuses with ctlog::Misbehaviour evidence (kBadCosignature), one per witness
    // whose line in this checkpoint does not verify.
    std::vector<absl::Status> bad;
  };

  // `logs` and `clock` are borrowed; `log_id` is the raw 32-byte ID.
  WitnessCosignatures(ctlog::WitnessPolicy policy, std::string log_id, store::Logs* logs,
                      const Clock* clock)
      : policy_(std::move(policy)), log_id_(std::move(log_id)), logs_(logs), clock_(clock) {}

  // Checks the cosignature lines of `note`, the checkpoint that `head` (verified as the log's,
  // already kept by the TreeHeadLedger) was read from, and adds the valid ones to the head's
  // record (synced, once per new witness). An RFC 6962 head (empty note) has none. Errors:
  // the store's.
  [[nodiscard]] absl::StatusOr<Outcome> Check(const ctlog::SignedTreeHead& head,
                                              const std::string& note);

  // "tree size 1234 has 1 of the 2 witness cosignatures required (witness.example)": what
  // `caawatch status` says of a head that waits.
  std::string WaitingText(const ctlog::SignedTreeHead& head, const Outcome& outcome) const;

  const ctlog::WitnessPolicy& policy() const { return policy_; }

 private:
  const ctlog::WitnessPolicy policy_;
  const std::string log_id_;
  store::Logs* logs_;
  const Clock* clock_;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_WITNESS_COSIGNATURES_H_
