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

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_SHA256_H_
