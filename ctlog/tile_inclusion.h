// RFC 6962 §2.1.1 audit paths of a static-ct-api log, computed from its hash tiles: what
// get-proof-by-hash would return, for a log that has no such endpoint. Nothing here is trusted:
// callers check the path against a signed root (VerifyInclusion).
#ifndef CAAWATCH_CTLOG_TILE_INCLUSION_H_
#define CAAWATCH_CTLOG_TILE_INCLUSION_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "ctlog/sha256.h"
#include "ctlog/tile_hashes.h"

namespace caawatch::ctlog {

// PATH(index, D[reader.tree_size()]), read through `reader` (borrowed). kInvalidArgument for an
// index outside the tree; otherwise the reader's errors (kUnavailable: a tile not served).
[[nodiscard]] absl::StatusOr<std::vector<Sha256Hash>> TileInclusionProof(TileHashReader& reader,
                                                                         uint64_t index);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TILE_INCLUSION_H_
