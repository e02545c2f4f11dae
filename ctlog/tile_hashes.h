// Merkle tree hashes of a static-ct-api log read from its hash tiles (c2sp.org/tlog-tiles):
// complete subtrees, MTH over any range, RFC 6962 §2.1.2 consistency proofs and the collapsed
// right edge at a size, all for the tree of one checkpoint. Nothing here is trusted: callers
// check what it computes against signed roots (VerifyConsistency).
#ifndef CAAWATCH_CTLOG_TILE_HASHES_H_
#define CAAWATCH_CTLOG_TILE_HASHES_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "ctlog/merkle.h"
#include "ctlog/tiled_log_client.h"

namespace caawatch::ctlog {

// Errors of every method: kInvalidArgument for arguments outside the tree; kUnavailable when a
// tile is not served (404) or cannot be fetched; kDataLoss for a malformed tile.
class TileHashReader {
 public:
  // Reads the tiles of the tree of `tree_size` through `client` (borrowed). Keeps at most
  // kMaxCachedTiles tiles (8 KiB each) while it lives.
  static constexpr size_t kMaxCachedTiles = 64;
  TileHashReader(TiledLogClient* client, uint64_t tree_size)
      : client_(client), tree_size_(tree_size) {}

  // The hash of the complete subtree of 2^level leaves starting at leaf index << level.
  // Requires (index + 1) << level <= tree_size.
  [[nodiscard]] absl::StatusOr<Sha256Hash> NodeHash(int level, uint64_t index);
  // MTH(D[begin:end]) (RFC 6962 §2.1) for begin < end <= tree_size.
  [[nodiscard]] absl::StatusOr<Sha256Hash> RangeHash(uint64_t begin, uint64_t end);
  // PROOF(m, D[tree_size]) for 0 < m <= tree_size: what get-sth-consistency would return.
  [[nodiscard]] absl::StatusOr<std::vector<Sha256Hash>> ConsistencyProof(uint64_t m);
  // The collapsed tree (right edge) of the first `size` <= tree_size leaves.
  [[nodiscard]] absl::StatusOr<CollapsedTree> EdgeAt(uint64_t size);

  uint64_t tree_size() const { return tree_size_; }

 private:
  // The level-8*tile_level hashes of tile `index` as the tree of tree_size_ has it.
  absl::StatusOr<const std::vector<Sha256Hash>*> Tile(int tile_level, uint64_t index);
  absl::Status SubProof(uint64_t m, uint64_t begin, uint64_t end, bool complete,
                        std::vector<Sha256Hash>* proof);

  TiledLogClient* client_;
  uint64_t tree_size_;
  std::map<std::pair<int, uint64_t>, std::vector<Sha256Hash>> tiles_;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TILE_HASHES_H_
