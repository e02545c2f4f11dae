#include "tail/start_at.h"

#include <string>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/quoted_input.h"

namespace caawatch::tail {

absl::StatusOr<StartAt> ParseStartAt(absl::string_view text) {
  if (text == "beginning") return StartAt{StartAt::Kind::kBeginning, 0};
  if (text == "end") return StartAt{StartAt::Kind::kEnd, 0};
  uint64_t index = 0;
  if (!text.empty() && text[0] != '+' && text[0] != '-' && absl::SimpleAtoi(text, &index)) {
    return StartAt{StartAt::Kind::kIndex, index};
  }
  absl::Time time;
  std::string error;
  // RFC 3339 needs a date and a time: "2026-11-28" alone is not one (and not an index either).
  if (text.size() >= 20 && absl::ParseTime(absl::RFC3339_full, text, &time, &error)) {
    return StartAt{StartAt::Kind::kTime, 0, time};
  }
  return absl::InvalidArgumentError(
      absl::StrCat("start_at ", QuoteInput(text),
                   ": want \"beginning\", \"end\", an entry index or an RFC 3339 time "
                   "(2026-11-28T16:00:00Z)"));
}

}  // namespace caawatch::tail
