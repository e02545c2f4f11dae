#include "base/quoted_input.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"

namespace caawatch {

std::string QuoteInput(absl::string_view input) {
  if (input.size() <= kMaxQuotedInputBytes) {
    return absl::StrCat("\"", absl::CHexEscape(input), "\"");
  }
  return absl::StrCat("\"", absl::CHexEscape(input.substr(0, kMaxQuotedInputBytes)), "...\" (",
                      input.size(), " bytes)");
}

}  // namespace caawatch
