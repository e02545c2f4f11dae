// Read side of an RFC 6962 log (§4). Thread-compatible: one per tailing thread.
// Every method may return kUnavailable (transport, HTTP 429/5xx, timeout; the message carries
// any Retry-After) or kDataLoss (unparseable answer). Nothing is verified here: callers check
// signatures and proofs.
#ifndef CAAWATCH_CTLOG_LOG_CLIENT_H_
#define CAAWATCH_CTLOG_LOG_CLIENT_H_

#include <cstdint>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// RFC 6962 §4.5 get-proof-by-hash answer.
struct InclusionProof {
  uint64_t leaf_index = 0;
  std::vector<Sha256Hash> audit_path;
};

class LogClient {
 public:
  virtual ~LogClient() = default;
  // §4.3 get-sth.
  [[nodiscard]] virtual absl::StatusOr<SignedTreeHead> GetSth() = 0;
  // §4.6 get-entries for [start_inclusive, end_inclusive]. May return fewer than asked (logs
  // cap batches), never zero and never more: either is kDataLoss.
  [[nodiscard]] virtual absl::StatusOr<std::vector<RawEntry>> GetEntries(
      uint64_t start_inclusive, uint64_t end_inclusive) = 0;
  // GetEntries for each range (inclusive bounds), with several requests in flight where the
  // client can; each outcome as GetEntries gives it, in the order of `ranges`. This default
  // asks one after the other.
  [[nodiscard]] virtual std::vector<absl::StatusOr<std::vector<RawEntry>>> GetEntriesRanges(
      const std::vector<std::pair<uint64_t, uint64_t>>& ranges) {
    std::vector<absl::StatusOr<std::vector<RawEntry>>> out;
    for (const auto& [start, end] : ranges) out.push_back(GetEntries(start, end));
    return out;
  }
  // §4.4 get-sth-consistency. Requires 0 < first <= second.
  [[nodiscard]] virtual absl::StatusOr<std::vector<Sha256Hash>> GetConsistencyProof(
      uint64_t first, uint64_t second) = 0;
  // §4.5 get-proof-by-hash: the audit path of the leaf with `leaf_hash` in the tree of
  // `tree_size`. kNotFound if the log does not know the leaf at that size.
  [[nodiscard]] virtual absl::StatusOr<InclusionProof> GetProofByHash(const Sha256Hash& leaf_hash,
                                                                      uint64_t tree_size) = 0;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LOG_CLIENT_H_
