// `--start-at TIME`: finding where a log's entries reach a time by bisecting their timestamps
// (RFC 6962 §3.4 TimestampedEntry.timestamp; static-ct-api TileLeaf.timestamp), reading one
// entry per step from an RFC 6962 log and one data tile per step from a tiled log.
//
// Timestamps in real logs are only roughly ordered (entries are sequenced in batches, several
// frontends stamp them), so "the first entry at or after TIME" is defined as the boundary the
// bisection finds: a position b such that entry b-1 (if any) was logged before TIME and entry b
// (if any) at or after it. Entries before b stamped at or after TIME (out of order) are skipped;
// entries after b stamped before TIME are read. With timestamps out of order by at most D, every
// entry stamped at or after TIME + D is read.
#ifndef CAAWATCH_CTLOG_TIME_BISECT_H_
#define CAAWATCH_CTLOG_TIME_BISECT_H_

#include <cstdint>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_client.h"
#include "ctlog/log_types.h"
#include "ctlog/tiled_log_client.h"

namespace caawatch::ctlog {

struct TimeBoundary {
  uint64_t position = 0;  // The boundary b above, in [0, tree_size].
  int requests = 0;       // get-entries requests (RFC 6962) or data tiles (tiled) read.
};

// The boundary among entries [0, tree_size) for `time_ms` (milliseconds since the epoch), with
// `timestamp_at(i)` giving entry i's timestamp. Calls it at most ceil(log2(tree_size + 1))
// times; its errors are returned as they are.
[[nodiscard]] absl::StatusOr<uint64_t> BisectTimestamps(
    uint64_t tree_size, uint64_t time_ms,
    absl::FunctionRef<absl::StatusOr<uint64_t>(uint64_t)> timestamp_at);

// The boundary of an RFC 6962 log of `tree_size` entries, one single-entry get-entries per step
// (about log2(tree_size) requests). kDataLoss for an entry that does not parse.
[[nodiscard]] absl::StatusOr<TimeBoundary> FindTimeBoundary(LogClient& client, uint64_t tree_size,
                                                            uint64_t time_ms);

// The boundary of a static-ct-api log of `tree_size` entries, reading each data tile at most
// once and at most ceil(log2(tiles)) + 1 of them: the bisection probes the first entry of tiles
// until one tile is left, then bisects inside it. A partial tile no longer served is read as the
// full tile (one more request).
[[nodiscard]] absl::StatusOr<TimeBoundary> FindTiledTimeBoundary(TiledLogClient& client,
                                                                 uint64_t tree_size,
                                                                 uint64_t time_ms);

// The boundary of `log` (either kind; `fetcher` borrowed) in its current tree: the signed tree
// head or checkpoint is fetched and its signature verified first, so that the bisection runs over
// a size the log has committed to. kDataLoss when it does not verify; else as above.
[[nodiscard]] absl::StatusOr<TimeBoundary> FindLogTimeBoundary(const LogInfo& log,
                                                               HttpFetcher* fetcher,
                                                               uint64_t time_ms);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TIME_BISECT_H_
