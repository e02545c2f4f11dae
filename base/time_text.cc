#include "base/time_text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"

namespace caawatch {

std::string FormatRfc3339Millis(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

std::string FormatDurationDaysHours(absl::Duration d) {
  if (d == absl::InfiniteDuration()) return "forever";
  if (d < absl::ZeroDuration()) return absl::StrCat("-", FormatDurationDaysHours(-d));
  const int64_t s = absl::ToInt64Seconds(d);
  const int64_t days = s / 86400, hours = s % 86400 / 3600, minutes = s % 3600 / 60,
                seconds = s % 60;
  if (days > 0) return absl::StrCat(days, "d ", hours, "h");
  if (hours > 0) return absl::StrCat(hours, "h ", minutes, "m");
  if (minutes > 0) return absl::StrCat(minutes, "m ", seconds, "s");
  return absl::StrCat(seconds, "s");
}

}  // namespace caawatch
