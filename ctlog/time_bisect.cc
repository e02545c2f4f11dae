#include "ctlog/time_bisect.h"

#include <algorithm>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/http_log_client.h"
#include "ctlog/leaf.h"
#include "ctlog/log_key.h"
#include "ctlog/sth.h"
#include "ctlog/tile.h"

namespace caawatch::ctlog {

namespace {

// BisectTimestamps over [lo, hi), given that entry lo-1 (if lo > 0) is before the time and entry
// hi (if hi < size) is not.
absl::StatusOr<uint64_t> Bisect(
    uint64_t lo, uint64_t hi, uint64_t time_ms,
    absl::FunctionRef<absl::StatusOr<uint64_t>(uint64_t)> timestamp_at) {
  while (lo < hi) {
    const uint64_t mid = lo + (hi - lo) / 2;
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t ts, timestamp_at(mid));
    if (ts >= time_ms) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

}  // namespace

absl::StatusOr<uint64_t> BisectTimestamps(
    uint64_t tree_size, uint64_t time_ms,
    absl::FunctionRef<absl::StatusOr<uint64_t>(uint64_t)> timestamp_at) {
  return Bisect(0, tree_size, time_ms, timestamp_at);
}

absl::StatusOr<TimeBoundary> FindTimeBoundary(LogClient& client, uint64_t tree_size,
                                              uint64_t time_ms) {
  TimeBoundary out;
  CAAWATCH_ASSIGN_OR_RETURN(
      out.position,
      BisectTimestamps(tree_size, time_ms, [&](uint64_t index) -> absl::StatusOr<uint64_t> {
        ++out.requests;
        CAAWATCH_ASSIGN_OR_RETURN(const std::vector<RawEntry> entries,
                                  client.GetEntries(index, index));
        if (entries.size() != 1) {
          return absl::DataLossError("get-entries for one entry returned several");
        }
        absl::StatusOr<MerkleTreeLeaf> leaf = ParseMerkleTreeLeaf(entries[0].leaf_input);
        if (!leaf.ok()) {
          return absl::DataLossError(
              absl::StrCat("entry ", index, " (start-at bisection): ", leaf.status().message()));
        }
        return leaf->timestamp_ms;
      }));
  return out;
}

absl::StatusOr<TimeBoundary> FindTiledTimeBoundary(TiledLogClient& client, uint64_t tree_size,
                                                   uint64_t time_ms) {
  TimeBoundary out;
  // Timestamps of the tiles read (one per probe of the first phase: at most 57 of 2 KiB).
  absl::flat_hash_map<uint64_t, std::vector<uint64_t>> tiles;
  auto timestamp_at = [&](uint64_t index) -> absl::StatusOr<uint64_t> {
    const uint64_t tile = index / kTileWidth;
    auto it = tiles.find(tile);
    if (it == tiles.end()) {
      const uint64_t width = std::min(kTileWidth, tree_size - tile * kTileWidth);
      ++out.requests;
      absl::StatusOr<DataTile> data = client.GetDataTile(tile, width);
      if (absl::IsNotFound(data.status()) && width < kTileWidth) {
        ++out.requests;  // The partial tile was replaced by the full one since.
        data = client.GetDataTile(tile, kTileWidth);
        if (data.ok()) data->Truncate(width);
      }
      if (!data.ok()) return data.status();
      std::vector<uint64_t> stamps;
      for (const TileLeaf& leaf : data->leaves()) stamps.push_back(leaf.timestamp_ms);
      it = tiles.emplace(tile, std::move(stamps)).first;
    }
    const uint64_t offset = index - tile * kTileWidth;
    if (offset >= it->second.size()) {
      return absl::DataLossError(absl::StrCat("data tile ", tile, " holds ", it->second.size(),
                                              " entries, not entry ", index));
    }
    return it->second[offset];
  };
  // First over tiles, probing only the first entry of each, so that every probe reads a new
  // tile and halves the tiles left; then inside the one tile left, which is read already (or,
  // when the boundary is in tile 0, read once).
  uint64_t lo = 0;
  uint64_t hi = tree_size;
  while (true) {
    const uint64_t first = (lo + kTileWidth - 1) / kTileWidth;  // Tiles starting in [lo, hi).
    const uint64_t end = (hi + kTileWidth - 1) / kTileWidth;
    if (first >= end) break;
    const uint64_t probe = (first + (end - first - 1) / 2) * kTileWidth;
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t ts, timestamp_at(probe));
    if (ts >= time_ms) {
      hi = probe;
    } else {
      lo = probe + 1;
    }
  }
  CAAWATCH_ASSIGN_OR_RETURN(out.position, Bisect(lo, hi, time_ms, timestamp_at));
  return out;
}

absl::StatusOr<TimeBoundary> FindLogTimeBoundary(const LogInfo& log, HttpFetcher* fetcher,
                                                 uint64_t time_ms) {
  CAAWATCH_ASSIGN_OR_RETURN(const LogKey key, LogKey::FromDer(log.key_der));
  if (log.kind == LogKind::kStaticCtApi) {
    const std::string origin = CheckpointOrigin(log.submission_url);
    if (origin.empty()) return absl::InvalidArgumentError("tiled log without a submission URL");
    TiledLogClient client(fetcher, log.url);
    CAAWATCH_ASSIGN_OR_RETURN(const std::string note, client.GetCheckpoint());
    CAAWATCH_ASSIGN_OR_RETURN(const VerifiedCheckpoint checkpoint,
                              VerifyCheckpoint(note, key, origin));
    return FindTiledTimeBoundary(client, checkpoint.sth.tree_size, time_ms);
  }
  HttpLogClient client(fetcher, log.url);
  CAAWATCH_ASSIGN_OR_RETURN(const SignedTreeHead sth, client.GetSth());
  const absl::Status verified = VerifySth(key, sth);
  if (!verified.ok()) {
    return absl::DataLossError(absl::StrCat("get-sth (start-at): ", verified.message()));
  }
  return FindTimeBoundary(client, sth.tree_size, time_ms);
}

}  // namespace caawatch::ctlog
