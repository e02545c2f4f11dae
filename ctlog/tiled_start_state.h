// Starting to tail a static-ct-api log somewhere other than its beginning (`--start-at
// end|INDEX`): the collapsed tree at the position comes from the hash tiles, and is verified
// against the log's checkpoint before it is used (unlike the RFC 6962 start, nothing is trusted
// on first use).
#ifndef CAAWATCH_CTLOG_TILED_START_STATE_H_
#define CAAWATCH_CTLOG_TILED_START_STATE_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_tailer.h"
#include "ctlog/log_types.h"
#include "ctlog/tiled_log_client.h"

namespace caawatch::ctlog {

// Fetches and verifies the checkpoint of `log` (a tiled log; `fetcher` borrowed), then returns
// the state of a tailer positioned at `position` (entries [0, position) skipped), or at the
// checkpoint's size when `position` is nullopt. The edge of the tree at the position is read from
// the hash tiles and its root proven a prefix of the checkpoint's root (RFC 6962 §2.1.2 proof
// computed from the same tiles); the state counts as verified up to the position.
// kInvalidArgument for a position beyond the checkpoint (the log is not that large yet) or an
// unusable key/origin; kDataLoss when the checkpoint or the tiles do not verify; kUnavailable
// for transport errors and tiles not served.
[[nodiscard]] absl::StatusOr<TailerState> TiledStartStateAt(const LogInfo& log,
                                                            HttpFetcher* fetcher,
                                                            std::optional<uint64_t> position,
                                                            TiledLogClientOptions options = {});

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TILED_START_STATE_H_
