// The CAA poll ledger (SCHEMA.md `caa_polled`, and the `caa_poll_pass` meta key): which names a
// poll got answers for, and when, so that a restart polls only the names that are due. Hints:
// nothing here is synced, as losing a record costs a repeated lookup, nothing else.
#ifndef CAAWATCH_STORE_CAA_POLLS_H_
#define CAAWATCH_STORE_CAA_POLLS_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "store/database.h"

namespace caawatch::store {

// Names a CAA poll answered at one time, as the poller's 64-bit name hashes.
struct CaaPolled {
  absl::Time polled_at;
  std::vector<uint64_t> name_hashes;
};

// A CAA poll that answered every search name of a watchlist (Watchlist::DigestSearchNames),
// each at or after `started_at`.
struct CaaPollPass {
  uint64_t fingerprint = 0;
  absl::Time started_at;
};

class CaaPolls {
 public:
  explicit CaaPolls(Database* db) : db_(db) {}  // Borrowed.

  // Records that `name_hashes` got answers at `polled_at` (nothing for none).
  [[nodiscard]] absl::Status RecordPolled(absl::Time polled_at,
                                          absl::Span<const uint64_t> name_hashes);
  // The records polled at or after `since`, oldest first.
  [[nodiscard]] absl::StatusOr<std::vector<CaaPolled>> PolledSince(absl::Time since);
  [[nodiscard]] absl::Status ForgetPolledBefore(absl::Time before);
  // The last complete poll of a whole watchlist (one record, replaced): a start whose
  // watchlist has the same fingerprint within the interval skips the per-name check.
  [[nodiscard]] absl::Status RecordPass(const CaaPollPass& pass);
  [[nodiscard]] absl::StatusOr<std::optional<CaaPollPass>> LastPass();

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_CAA_POLLS_H_
