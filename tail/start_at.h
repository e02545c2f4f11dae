// Where to start reading a log that has no stored position (`run --start-at`, config `start_at`).
#ifndef CAAWATCH_TAIL_START_AT_H_
#define CAAWATCH_TAIL_START_AT_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::tail {

// Where to start a log that has no stored position (a restart always resumes).
struct StartAt {
  enum class Kind { kBeginning, kEnd, kIndex };
  Kind kind = Kind::kBeginning;
  uint64_t index = 0;  // Meaningful only for kIndex.
  friend bool operator==(const StartAt&, const StartAt&) = default;
};

// "beginning", "end" or a decimal entry index. kInvalidArgument otherwise.
[[nodiscard]] absl::StatusOr<StartAt> ParseStartAt(absl::string_view text);

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_START_AT_H_
