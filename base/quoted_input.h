// Untrusted input (a name, a path, a config value, a request field) quoted in an error or log
// message: escaped, so that a NUL, a newline or a terminal escape can neither cut nor forge the
// message, and cut short, so that a 10 MB line never makes a 10 MB message.
#ifndef CAAWATCH_BASE_QUOTED_INPUT_H_
#define CAAWATCH_BASE_QUOTED_INPUT_H_

#include <cstddef>
#include <string>

#include "absl/strings/string_view.h"

namespace caawatch {

// At most this many bytes of the input are quoted; the rest is only counted.
inline constexpr size_t kMaxQuotedInputBytes = 100;

// `input` in double quotes, C-escaped (absl::CHexEscape: \x00, \n, \", \\, bytes >= 0x80 as
// \xNN); over kMaxQuotedInputBytes, its first kMaxQuotedInputBytes bytes followed by
// `..." (N bytes)`. The result is printable ASCII of at most ~4 * kMaxQuotedInputBytes + 30.
std::string QuoteInput(absl::string_view input);

}  // namespace caawatch

#endif  // CAAWATCH_BASE_QUOTED_INPUT_H_
