// The watch entries `caawatch run` is given rather than stores: its --watch flags and the
// configuration's `watch` and `watchlist_file` (certspotter syntax), in that order.
#ifndef CAAWATCH_MONITOR_STATIC_WATCHES_H_
#define CAAWATCH_MONITOR_STATIC_WATCHES_H_

#include <cstdint>
#include <optional>

#include "absl/status/statusor.h"
#include "base/log.h"
#include "monitor/config.h"
#include "watch/watchlist.h"

namespace caawatch::monitor {

// Parses config.watch, then config.watchlist_file if set, straight into the index (a
// million-line file is never held as parsed entries). kInvalidArgument naming the source (and
// line) of a bad entry or an unreadable file.
absl::StatusOr<watch::Watchlist> StaticWatches(const MonitorConfig& config);

// StaticWatches for `caawatch run`: with a watchlist file, the index saved in the data
// directory (watch/watchlist_index_file.h) is read instead when it was built from the same
// text; a saved index that cannot be used is logged and the text is read.
struct RunWatches {
  watch::Watchlist list;
  // Set when `list` was built from the text and should be saved (SaveRunWatchesIndex).
  std::optional<uint64_t> index_key;
};
absl::StatusOr<RunWatches> StaticWatchesForRun(const MonitorConfig& config, const Logger& logger);
// Saves a list built by StaticWatchesForRun for the next start; once the data directory exists.
// A failure is logged: the next start reads the text again.
void SaveRunWatchesIndex(const MonitorConfig& config, const RunWatches& watches,
                         const Logger& logger);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_STATIC_WATCHES_H_
