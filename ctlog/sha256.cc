#include "ctlog/sha256.h"

#include <openssl/sha.h>

namespace caawatch::ctlog {

Sha256Hash Sha256(absl::Span<const uint8_t> data) {
  Sha256Hash out;
  SHA256(data.data(), data.size(), out.data());
  return out;
}

Sha256Hash Sha256(absl::string_view data) {
  return Sha256(absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(data.data()), data.size()));
}

}  // namespace caawatch::ctlog
