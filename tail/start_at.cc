#include "tail/start_at.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

namespace caawatch::tail {

absl::StatusOr<StartAt> ParseStartAt(absl::string_view text) {
  if (text == "beginning") return StartAt{StartAt::Kind::kBeginning, 0};
  if (text == "end") return StartAt{StartAt::Kind::kEnd, 0};
  uint64_t index = 0;
  if (!text.empty() && text[0] != '+' && text[0] != '-' && absl::SimpleAtoi(text, &index)) {
    return StartAt{StartAt::Kind::kIndex, index};
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "start_at ", QuoteInput(text), ": want \"beginning\", \"end\" or an entry index"));
}

}  // namespace caawatch::tail
