// Lowercase hex and RFC 3339 formatting shared by every layer's evidence and output.
#ifndef CAAWATCH_BASE_HEX_H_
#define CAAWATCH_BASE_HEX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "absl/types/span.h"

namespace caawatch {

std::string HexEncode(absl::Span<const uint8_t> bytes);
// Accepts upper or lower case; kInvalidArgument on odd length or a non-hex digit.
absl::StatusOr<std::vector<uint8_t>> HexDecode(absl::string_view hex);
// "2026-11-28T16:08:40Z" (UTC, seconds; fractional seconds only when non-zero).
std::string FormatRfc3339(absl::Time t);
// Parses RFC 3339 ("2026-11-28T16:08:40Z", offsets allowed) or a date "2026-11-28".
absl::StatusOr<absl::Time> ParseRfc3339(absl::string_view text);

}  // namespace caawatch

#endif  // CAAWATCH_BASE_HEX_H_
