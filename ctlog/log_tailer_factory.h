// Picks the tailer for a log from the log list by its kind: RFC 6962 (get-sth, get-entries) or
// static-ct-api (checkpoint, tiles). Callers hold a LogTailer and never ask which it is.
#ifndef CAAWATCH_CTLOG_LOG_TAILER_FACTORY_H_
#define CAAWATCH_CTLOG_LOG_TAILER_FACTORY_H_

#include <cstddef>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_tailer.h"
#include "ctlog/log_types.h"
#include "ctlog/tiled_log_client.h"

namespace caawatch::ctlog {

struct LogTailerOptions {
  uint64_t max_batch = 1000;   // RFC 6962: entries asked per get-entries. Tiled: one tile.
  size_t max_in_flight = 4;    // Requests at once: get-entries ranges, or data tiles.
  FetchOptions rfc6962_fetch;  // RFC 6962 requests (timeout, body limit).
  TiledLogClientOptions tiled;
};

// A tailer for `log` reading through `fetcher` (borrowed; must outlive the tailer), resuming
// from `state`. kInvalidArgument for an unusable key, a tiled log without a submission URL,
// or a corrupt state.
[[nodiscard]] absl::StatusOr<std::unique_ptr<LogTailer>> CreateLogTailer(const LogInfo& log,
                                                                         HttpFetcher* fetcher,
                                                                         LogTailerOptions options,
                                                                         TailerState state);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LOG_TAILER_FACTORY_H_
