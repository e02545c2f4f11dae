// Times and durations as a user reads them: times in RFC 3339 UTC with exactly three fractional
// digits (they line up in a table and sort as text), durations in days and hours rather than
// absl's "8044h24m30s".
#ifndef CAAWATCH_BASE_TIME_TEXT_H_
#define CAAWATCH_BASE_TIME_TEXT_H_

#include <string>

#include "absl/time/time.h"

namespace caawatch {

// "2026-11-28T16:08:40.000Z" (milliseconds truncated).
std::string FormatRfc3339Millis(absl::Time t);

// The two largest units that matter: "335d 4h", "4h 24m", "24m 30s", "30s", "0s"; a negative
// duration gets a leading '-'. Truncated, never rounded up.
std::string FormatDurationDaysHours(absl::Duration d);

}  // namespace caawatch

#endif  // CAAWATCH_BASE_TIME_TEXT_H_
