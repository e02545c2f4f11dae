// Where to start reading a log that has no stored position (`run --start-at`, config `start_at`).
#ifndef CAAWATCH_TAIL_START_AT_H_
#define CAAWATCH_TAIL_START_AT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caawatch::tail {

// Where to start a log that has no stored position (a restart always resumes).
struct StartAt {
  // kTime: the first entry logged at or after `time`, as ctlog/time_bisect.h defines it.
  enum class Kind { kBeginning, kEnd, kIndex, kTime };
  Kind kind = Kind::kBeginning;
  uint64_t index = 0;                   // Meaningful only for kIndex.
  absl::Time time = absl::UnixEpoch();  // Meaningful only for kTime.
  friend bool operator==(const StartAt&, const StartAt&) = default;
};

// "beginning", "end", a decimal entry index or an RFC 3339 time ("2026-11-28T16:00:00Z", an
// offset or fractional seconds allowed). kInvalidArgument otherwise.
[[nodiscard]] absl::StatusOr<StartAt> ParseStartAt(absl::string_view text);

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_START_AT_H_
