#include "ctlog/tiled_start_state.h"

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/log_key.h"
#include "ctlog/merkle.h"
#include "ctlog/tile_hashes.h"

namespace caawatch::ctlog {

absl::StatusOr<TailerState> TiledStartStateAt(const LogInfo& log, HttpFetcher* fetcher,
                                              std::optional<uint64_t> position,
                                              TiledLogClientOptions options) {
  CAAWATCH_ASSIGN_OR_RETURN(const LogKey key, LogKey::FromDer(log.key_der));
  const std::string origin = CheckpointOrigin(log.submission_url);
  if (origin.empty()) return absl::InvalidArgumentError("tiled log without a submission URL");
  TiledLogClient client(fetcher, log.url, options);
  CAAWATCH_ASSIGN_OR_RETURN(const std::string note, client.GetCheckpoint());
  CAAWATCH_ASSIGN_OR_RETURN(const VerifiedCheckpoint checkpoint,
                            VerifyCheckpoint(note, key, origin));
  const SignedTreeHead& head = checkpoint.sth;
  const uint64_t at = position.value_or(head.tree_size);
  if (at > head.tree_size) {
    return absl::InvalidArgumentError(absl::StrCat(
        "start position ", at, " is beyond the log's checkpoint of size ", head.tree_size));
  }
  TailerState state;
  if (at == 0) return state;
  TileHashReader reader(&client, head.tree_size);
  CAAWATCH_ASSIGN_OR_RETURN(const CollapsedTree edge, reader.EdgeAt(at));
  const Sha256Hash root = edge.Root();
  std::vector<Sha256Hash> proof;
  if (at < head.tree_size) {
    CAAWATCH_ASSIGN_OR_RETURN(proof, reader.ConsistencyProof(at));
  }
  const absl::Status proven = VerifyConsistency(at, head.tree_size, root, head.root_hash, proof);
  if (!proven.ok()) {
    return absl::DataLossError(absl::StrCat("hash tiles: the tree at ", at,
                                            " is not a prefix of the checkpoint of size ",
                                            head.tree_size, ": ", proven.message()));
  }
  state.position = at;
  state.tree = edge;
  state.verified_size = at;
  state.verified_root = root;
  state.verified_tree = edge;
  // The checkpoint's time is the verified head's only when the position is its size.
  if (at == head.tree_size) state.verified_timestamp_ms = head.timestamp_ms;
  return state;
}

}  // namespace caawatch::ctlog
