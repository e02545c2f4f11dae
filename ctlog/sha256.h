// SHA-256 digests as values: the unit of every CT hash (leaf, node, root, log ID).
#ifndef CAAWATCH_CTLOG_SHA256_H_
#define CAAWATCH_CTLOG_SHA256_H_

#include <array>
#include <cstdint>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace caawatch::ctlog {

using Sha256Hash = std::array<uint8_t, 32>;

Sha256Hash Sha256(absl::Span<const uint8_t> data);
Sha256Hash Sha256(absl::string_view data);
// SHA-256(prefix || data) without copying `data`: RFC 6962 §2.1 leaf (0x00) and node (0x01)
// hashes.
Sha256Hash Sha256WithPrefix(uint8_t prefix, absl::Span<const uint8_t> data);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_SHA256_H_
