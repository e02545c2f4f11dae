// IDNA A-labels for host names written with U-labels (RFC 5890 §2.3.2.1, Punycode RFC 3492):
// so a Unicode subject CN can be matched and looked up like the dNSNames beside it.
#ifndef CAAWATCH_CTLOG_PUNYCODE_H_
#define CAAWATCH_CTLOG_PUNYCODE_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace caawatch::ctlog {

// "bücher.example" -> "xn--bcher-kva.example". Each label holding non-ASCII is Punycode-encoded
// with the "xn--" prefix; ASCII labels are kept. No UTS #46 mapping is done (an upper-case
// non-ASCII letter stays upper case). nullopt when `host` is not valid UTF-8 or is not
// host-name-like (an ASCII character other than letters, digits, '-', '_', '*' and '.').
std::optional<std::string> ToALabels(absl::string_view host);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_PUNYCODE_H_
