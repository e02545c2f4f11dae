#include "base/time_left.h"

#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace caawatch {

std::string TimeLeftText(uint64_t entries, double rate) {
  if (entries == 0) return "nothing left";
  if (!(rate > 0)) return "time left unknown";
  const absl::Duration left = absl::Seconds(std::ceil(static_cast<double>(entries) / rate));
  return absl::StrCat("about ", absl::FormatDuration(left), " left");
}

}  // namespace caawatch
