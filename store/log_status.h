// What `caawatch status` and gRPC GetStatus say about each log: its stored position merged with
// its health record, and one condition a user can act on. Pure but for ListLogStatus's reads.
#ifndef CAAWATCH_STORE_LOG_STATUS_H_
#define CAAWATCH_STORE_LOG_STATUS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "store/log_health.pb.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::store {

enum class LogCondition {
  kOk,          // Reached recently, every entry of the latest head processed.
  kCatchingUp,  // Reached recently, entries left to process.
  kRetrying,    // The latest attempt failed; the last success is recent.
  kStale,       // No success for the record's stale_after (or nobody keeps the record current,
                // or no health record at all): what is shown may be long out of date.
};
absl::string_view LogConditionName(LogCondition condition);  // "ok", "catching_up", ...

struct LogStatusView {
  std::string log_id;  // Raw 32 bytes.
  std::string url;
  std::string description;
  LogCondition condition = LogCondition::kStale;
  uint64_t position = 0;
  uint64_t verified_size = 0;
  uint64_t tree_size = 0;
  uint64_t lag_entries = 0;
  // How old what was processed is: the age of the newest verified head when behind; for a
  // retrying or stale log, the age of the last contact (or of the start): never 0.
  int64_t lag_seconds = 0;
  std::string last_error;
  absl::Time last_error_at = absl::InfinitePast();  // InfinitePast: none.
  absl::Time last_success_at = absl::InfinitePast();
  absl::Time last_sth_time = absl::InfinitePast();
  uint32_t consecutive_failures = 0;
  // While catching up: the rate the worker last measured (0 = not measured yet) and the time
  // left at that rate (-1 = unknown).
  double entries_per_second = 0;
  int64_t eta_seconds = -1;
  // The newest head waits for witness cosignatures (LogHealthRecord): what it has; "" = not.
  std::string waiting_for_witnesses;
};

// `state` or `health` may be null (not both): a log never reached has no state, one written
// only by an older caawatch has no health.
LogStatusView SummarizeLog(const LogStateRecord* state, const LogHealthRecord* health,
                           absl::Time now);

// Every log with a stored state or health record, by log ID.
[[nodiscard]] absl::StatusOr<std::vector<LogStatusView>> ListLogStatus(Store& store,
                                                                       absl::Time now);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_LOG_STATUS_H_
