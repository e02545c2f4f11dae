// What `caawatch status` says of the proof keeper (SPEC §8, tail/proof_keeper.h): how many
// findings wait for their inclusion proofs to be stored ("proof pending"), read from the store.
#ifndef CAAWATCH_MONITOR_PROOF_STATUS_H_
#define CAAWATCH_MONITOR_PROOF_STATUS_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "store/store.h"

namespace caawatch::monitor {

// Findings past the keeper's cursor looked at for the count: the status stays cheap.
inline constexpr uint64_t kMaxCountedProofPending = 1000;

struct ProofStatus {
  uint64_t pending = 0;  // At most kMaxCountedProofPending (then `more`).
  bool more = false;
  uint64_t oldest_seq = 0;      // The first finding pending; 0 when none.
  int64_t last_success_ms = 0;  // The latest proof stored; 0 = never.
  std::string last_error;       // Why the latest pending proof could not be fetched.
  int64_t last_error_ms = 0;
};

[[nodiscard]] absl::StatusOr<ProofStatus> ReadProofStatus(store::Store* store);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_PROOF_STATUS_H_
