// Fuzzes static-ct-api data tiles: the first octet gives the tile width (1..256), the rest is
// the tile. Every parsed leaf is turned into a get-entries element (each issuer stands in as
// its own fingerprint bytes) and decoded like an RFC 6962 entry. Also parses a hash tile.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "ctlog/leaf.h"
#include "ctlog/tile.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  const uint64_t width = uint64_t{data[0]} + 1;
  const absl::Span<const uint8_t> tile(data + 1, size - 1);
  (void)caawatch::ctlog::ParseHashTile(tile, width);
  auto leaves = caawatch::ctlog::ParseDataTile(tile, width);
  if (!leaves.ok()) return 0;
  for (const caawatch::ctlog::TileLeaf& leaf : *leaves) {
    std::vector<absl::Span<const uint8_t>> issuers;
    for (const auto& fingerprint : leaf.chain) issuers.emplace_back(fingerprint);
    auto raw = caawatch::ctlog::TileLeafToRawEntry(leaf, issuers);
    if (raw.ok()) (void)caawatch::ctlog::DecodeLogEntry(0, *raw);
  }
  return 0;
}
