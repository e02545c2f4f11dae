#include "ctlog/tile_hashes.h"

#include <bit>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/tile.h"

namespace caawatch::ctlog {

absl::StatusOr<const std::vector<Sha256Hash>*> TileHashReader::Tile(int tile_level,
                                                                    uint64_t index) {
  const auto key = std::make_pair(tile_level, index);
  if (auto it = tiles_.find(key); it != tiles_.end()) return &it->second;
  // Hashes the tree of tree_size_ has at level 8 * tile_level, and this tile's share of them.
  const uint64_t level_hashes = tile_level * 8 >= 64 ? 0 : tree_size_ >> (tile_level * 8);
  if (index >= (level_hashes + kTileWidth - 1) / kTileWidth) {
    return absl::InvalidArgumentError(absl::StrCat("hash tile ", tile_level, "/", index,
                                                   " is outside the tree of size ", tree_size_));
  }
  const uint64_t width = std::min(kTileWidth, level_hashes - index * kTileWidth);
  absl::StatusOr<std::vector<Sha256Hash>> hashes = client_->GetHashTile(tile_level, index, width);
  if (width < kTileWidth && absl::IsNotFound(hashes.status())) {
    // The partial tile may be gone once the full one exists; its first `width` hashes are the
    // same (tlog-tiles).
    hashes = client_->GetHashTile(tile_level, index, kTileWidth);
    if (hashes.ok()) hashes->resize(width);
  }
  if (absl::IsNotFound(hashes.status())) return absl::UnavailableError(hashes.status().message());
  if (!hashes.ok()) return hashes.status();
  if (tiles_.size() >= kMaxCachedTiles) tiles_.clear();
  return &tiles_.emplace(key, *std::move(hashes)).first->second;
}

absl::StatusOr<Sha256Hash> TileHashReader::NodeHash(int level, uint64_t index) {
  if (level < 0 || level >= 64 || index >= (tree_size_ >> level)) {
    return absl::InvalidArgumentError(
        absl::StrCat("node ", level, "/", index, " is not complete in tree size ", tree_size_));
  }
  // Level 8T+r nodes are 2^r adjacent level-8T hashes of one tile, hashed up r times.
  const int tile_level = level / 8;
  const int r = level % 8;
  const uint64_t first = index << r;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<Sha256Hash>* tile,
                            Tile(tile_level, first / kTileWidth));
  const uint64_t offset = first % kTileWidth;
  std::vector<Sha256Hash> row(tile->begin() + offset, tile->begin() + offset + (uint64_t{1} << r));
  while (row.size() > 1) {
    for (size_t i = 0; i < row.size() / 2; ++i) row[i] = HashChildren(row[2 * i], row[2 * i + 1]);
    row.resize(row.size() / 2);
  }
  return row[0];
}

absl::StatusOr<Sha256Hash> TileHashReader::RangeHash(uint64_t begin, uint64_t end) {
  if (begin >= end || end > tree_size_) {
    return absl::InvalidArgumentError(
        absl::StrCat("range [", begin, ", ", end, ") outside tree size ", tree_size_));
  }
  const uint64_t n = end - begin;
  if (std::has_single_bit(n) && begin % n == 0) {
    return NodeHash(std::countr_zero(n), begin / n);
  }
  const uint64_t k = std::bit_floor(n - 1);  // The largest power of two below n.
  CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash left, RangeHash(begin, begin + k));
  CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash right, RangeHash(begin + k, end));
  return HashChildren(left, right);
}

// RFC 6962 §2.1.2 SUBPROOF(m, D[begin:end], complete).
absl::Status TileHashReader::SubProof(uint64_t m, uint64_t begin, uint64_t end, bool complete,
                                      std::vector<Sha256Hash>* proof) {
  const uint64_t n = end - begin;
  if (m == n) {
    if (complete) return absl::OkStatus();
    CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash h, RangeHash(begin, end));
    proof->push_back(h);
    return absl::OkStatus();
  }
  const uint64_t k = std::bit_floor(n - 1);
  if (m <= k) {
    CAAWATCH_RETURN_IF_ERROR(SubProof(m, begin, begin + k, complete, proof));
    CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash h, RangeHash(begin + k, end));
    proof->push_back(h);
  } else {
    CAAWATCH_RETURN_IF_ERROR(SubProof(m - k, begin + k, end, false, proof));
    CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash h, RangeHash(begin, begin + k));
    proof->push_back(h);
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<Sha256Hash>> TileHashReader::ConsistencyProof(uint64_t m) {
  if (m == 0 || m > tree_size_) {
    return absl::InvalidArgumentError(
        absl::StrCat("consistency from ", m, " in tree size ", tree_size_));
  }
  std::vector<Sha256Hash> proof;
  CAAWATCH_RETURN_IF_ERROR(SubProof(m, 0, tree_size_, true, &proof));
  return proof;
}

absl::StatusOr<CollapsedTree> TileHashReader::EdgeAt(uint64_t size) {
  if (size > tree_size_) {
    return absl::InvalidArgumentError(
        absl::StrCat("edge at ", size, " beyond tree size ", tree_size_));
  }
  std::vector<Sha256Hash> nodes;
  uint64_t offset = 0;
  for (int level = 63; level >= 0; --level) {
    const uint64_t span = uint64_t{1} << level;
    if ((size & span) == 0) continue;
    CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash h, NodeHash(level, offset >> level));
    nodes.push_back(h);
    offset += span;
  }
  return CollapsedTree::FromNodes(size, std::move(nodes));
}

}  // namespace caawatch::ctlog
