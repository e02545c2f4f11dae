// Where the CAA poll of the watched names stands, from the store's poll ledger, for `caawatch
// status` (SPEC §7): when the last full poll started, and how many names got an answer within
// the poll interval (those a poll due now would skip).
#ifndef CAAWATCH_MONITOR_CAA_POLL_STATE_H_
#define CAAWATCH_MONITOR_CAA_POLL_STATE_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/store.h"

namespace caawatch::monitor {

struct CaaPollState {
  // The start of the last poll that answered every watched name (none yet: nullopt).
  std::optional<absl::Time> last_full_poll;
  uint64_t answered_within_interval = 0;  // Distinct names answered after now - interval.
};

// Store errors are returned.
[[nodiscard]] absl::StatusOr<CaaPollState> ReadCaaPollState(store::Store* store,
                                                            absl::Duration interval,
                                                            absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_CAA_POLL_STATE_H_
