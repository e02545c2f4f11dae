// The open files `caawatch run` may need at once, and the process's soft RLIMIT_NOFILE raised
// to cover them. A shell's or systemd's default soft limit (1,024) is below what the defaults
// allow (1,024 gRPC subscribers, the store's table files, a few connections per log), and a
// process at its limit fails accepts, connections and store reads alike.
#ifndef CAAWATCH_MONITOR_OPEN_FILE_LIMIT_H_
#define CAAWATCH_MONITOR_OPEN_FILE_LIMIT_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace caawatch::monitor {

// Table files (store::kMaxOpenTableFiles), one socket per subscriber, kFilesPerLog per tailed
// log (its connections and their wake-up pipes), and kFilesBesides for the rest (DNS, sinks,
// zones, metrics, the store's own files).
inline constexpr uint64_t kFilesPerLog = 8;
inline constexpr uint64_t kFilesBesides = 256;
uint64_t OpenFilesNeeded(uint64_t tailed_logs, uint64_t max_subscribers);

struct OpenFileLimit {
  uint64_t needed = 0;
  uint64_t soft_before = 0;
  uint64_t soft = 0;  // After: at least `needed` unless the hard limit is lower.
  uint64_t hard = 0;
  bool enough() const { return soft >= needed; }
  // For the log: what was raised, or why the hard limit falls short and what to change.
  std::string Describe() const;
};

// Raises the soft limit to `needed` when it is lower (never above the hard limit, never
// lowers it). An error only when the limits cannot be read or set.
absl::StatusOr<OpenFileLimit> RaiseOpenFileLimit(uint64_t needed);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_OPEN_FILE_LIMIT_H_
