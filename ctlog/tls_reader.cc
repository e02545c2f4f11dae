#include "ctlog/tls_reader.h"

namespace caawatch::ctlog {

bool TlsReader::ReadUint(size_t bytes, uint64_t* out) {
  if (!ok_ || bytes == 0 || bytes > 8 || rest_.size() < bytes) return Fail();
  uint64_t value = 0;
  for (size_t i = 0; i < bytes; ++i) value = (value << 8) | rest_[i];
  rest_.remove_prefix(bytes);
  *out = value;
  return true;
}

bool TlsReader::ReadBytes(size_t n, absl::Span<const uint8_t>* out) {
  if (!ok_ || rest_.size() < n) return Fail();
  *out = rest_.subspan(0, n);
  rest_.remove_prefix(n);
  return true;
}

bool TlsReader::ReadLengthPrefixed(size_t length_bytes, absl::Span<const uint8_t>* out) {
  if (length_bytes == 0 || length_bytes > 4) return Fail();
  uint64_t length = 0;
  return ReadUint(length_bytes, &length) && ReadBytes(static_cast<size_t>(length), out);
}

}  // namespace caawatch::ctlog
