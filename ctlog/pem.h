// PEM "CERTIFICATE" blocks to DER, tolerant of text around them (e.g. `openssl x509 -text`).
#ifndef CAAWATCH_CTLOG_PEM_H_
#define CAAWATCH_CTLOG_PEM_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace caawatch::ctlog {

// Every well-formed CERTIFICATE block, in order; blocks whose base64 is broken are skipped.
std::vector<std::vector<uint8_t>> PemCertificates(absl::string_view text);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_PEM_H_
