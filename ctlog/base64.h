// Strict RFC 4648 §4 base64 decoding for get-entries bodies (padding required, no whitespace,
// no URL alphabet). Decodes 32 characters a step with AVX2 when the CPU has it, else a table
// per character; both give the same bytes and reject the same inputs.
#ifndef CAAWATCH_CTLOG_BASE64_H_
#define CAAWATCH_CTLOG_BASE64_H_

#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"

namespace caawatch::ctlog {

// Appends the bytes `in` encodes to `out`; false on any invalid input (`out` unchanged then).
bool AppendBase64Decoded(absl::string_view in, std::vector<uint8_t>* out);

namespace base64_internal {
// The two implementations AppendBase64Decoded chooses from, for tests and the fuzz target that
// hold them equal. AppendDecodedAvx2 must only be called when HaveAvx2().
bool HaveAvx2();
bool AppendDecodedScalar(absl::string_view in, std::vector<uint8_t>* out);
bool AppendDecodedAvx2(absl::string_view in, std::vector<uint8_t>* out);
}  // namespace base64_internal

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_BASE64_H_
