// A bounds-checked cursor over TLS presentation-language data (RFC 8446 §3): big-endian
// integers and length-prefixed opaque vectors. Every read either succeeds completely or fails
// and leaves the reader unusable, so a parser can chain reads with && and check once.
#ifndef CAAWATCH_CTLOG_TLS_READER_H_
#define CAAWATCH_CTLOG_TLS_READER_H_

#include <cstddef>
#include <cstdint>

#include "absl/types/span.h"

namespace caawatch::ctlog {

class TlsReader {
 public:
  explicit TlsReader(absl::Span<const uint8_t> input) : rest_(input) {}

  // Reads a big-endian unsigned integer of `bytes` (1..8) octets.
  bool ReadUint(size_t bytes, uint64_t* out);
  // Reads exactly `n` octets.
  bool ReadBytes(size_t n, absl::Span<const uint8_t>* out);
  // Reads an opaque vector with a `length_bytes` (1..4) length prefix.
  bool ReadLengthPrefixed(size_t length_bytes, absl::Span<const uint8_t>* out);

  bool empty() const { return ok_ && rest_.empty(); }
  bool ok() const { return ok_; }
  size_t remaining() const { return rest_.size(); }

 private:
  bool Fail() {
    ok_ = false;
    rest_ = {};
    return false;
  }
  absl::Span<const uint8_t> rest_;
  bool ok_ = true;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TLS_READER_H_
