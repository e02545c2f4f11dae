// What `caawatch notify status` and `caawatch notify test` ask of the notification sinks
// (SPEC §6), offered here because cli/ reaches the layers below only through monitor/.
#ifndef CAAWATCH_MONITOR_NOTIFY_COMMANDS_H_
#define CAAWATCH_MONITOR_NOTIFY_COMMANDS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "monitor/config.h"
#include "store/store.h"

namespace caawatch::monitor {

struct SinkStatus {
  std::string sink;         // Its id, as its cursor is kept.
  uint64_t cursor_seq = 0;  // The last seq it finished.
  // Findings after the cursor (before the sink's filter), counted up to kMaxCountedPending.
  uint64_t pending = 0;
  int64_t created_ms = 0;
  int64_t last_success_ms = 0;  // 0 = none yet.
  std::string last_error;       // "" after a success.
  int64_t last_error_ms = 0;
  uint64_t delivered = 0;
  uint64_t given_up = 0;
};
inline constexpr uint64_t kMaxCountedPending = 100000;

// Every sink that has a cursor in `store`, by id. Store errors are returned.
[[nodiscard]] absl::StatusOr<std::vector<SinkStatus>> ListSinkStatus(store::Store* store);

struct SinkTestResult {
  std::string sink;
  absl::Status status;
};
// Builds every sink of config.notify and sends each one test event (notify/test_notification.h),
// one after the other, each bounded by its timeout. kInvalidArgument for a sink that cannot be
// built; a delivery that fails is in its result.
[[nodiscard]] absl::StatusOr<std::vector<SinkTestResult>> SendTestNotifications(
    const MonitorConfig& config, absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_NOTIFY_COMMANDS_H_
