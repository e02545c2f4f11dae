// The seq high-water mark: a file of its own beside the store, outside its write-ahead log, so
// that damage to the log cannot take it. No seq at or above the mark was ever handed out;
// Findings raises it (synced) before a write hands out seqs past it, and the recovery from a
// damaged write-ahead log (store/wal_recovery.h) starts new seqs there, so no seq a subscriber
// may have seen is ever given to another finding.
#ifndef CAAWATCH_STORE_SEQ_RESERVATION_H_
#define CAAWATCH_STORE_SEQ_RESERVATION_H_

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace caawatch::store {

// The mark kept for the store in `dir`: 0 when there is none (a store written before the mark
// existed, or a fresh one). kDataLoss when the file is there but does not hold a mark.
[[nodiscard]] absl::StatusOr<uint64_t> ReadSeqHighWater(const std::string& dir);

// Replaces the mark with `end` (seqs below it may have been handed out), synced before it
// returns. kFailedPrecondition when the file cannot be written.
[[nodiscard]] absl::Status WriteSeqHighWater(const std::string& dir, uint64_t end);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_SEQ_RESERVATION_H_
