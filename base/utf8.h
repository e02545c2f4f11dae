// UTF-8 validation shared by the readers of untrusted text (the log's JSON) and the writers of
// JSON (the log lines of --log-format json).
#ifndef CAAWATCH_BASE_UTF8_H_
#define CAAWATCH_BASE_UTF8_H_

#include <cstddef>

#include "absl/strings/string_view.h"

namespace caawatch {

// The length of the UTF-8 sequence at the start of `s` (RFC 3629: no overlong forms, no
// surrogates, at most U+10FFFF), or 0 if it is not one. `s` starts with a byte >= 0x80.
size_t Utf8SequenceLength(absl::string_view s);

}  // namespace caawatch

#endif  // CAAWATCH_BASE_UTF8_H_
