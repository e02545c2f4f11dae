// Punycode (RFC 3492) encoding of one IDN label, for the watchlist's U-label -> A-label step.
// Only the encoder: caawatch never needs to show a U-label.
#ifndef CAAWATCH_MONITOR_PUNYCODE_H_
#define CAAWATCH_MONITOR_PUNYCODE_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::monitor {

// Encodes the UTF-8 label `utf8` with the RFC 3492 §6.3 algorithm, without the "xn--" prefix:
// "bücher" -> "bcher-kva". The label is taken as is: no IDNA mapping, case folding or NFC
// normalisation is applied (callers pass labels already in IDNA2008 U-label form).
// kInvalidArgument if `utf8` is not valid UTF-8 (overlong forms, surrogates and code points
// above U+10FFFF included) or the encoding would overflow.
[[nodiscard]] absl::StatusOr<std::string> PunycodeEncode(absl::string_view utf8);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_PUNYCODE_H_
