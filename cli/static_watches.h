// The watch entries `caawatch run` is given rather than stores: its --watch flags and the
// configuration's `watch` and `watchlist_file` (certspotter syntax), in that order.
#ifndef CAAWATCH_CLI_STATIC_WATCHES_H_
#define CAAWATCH_CLI_STATIC_WATCHES_H_

#include "absl/status/statusor.h"
#include "monitor/config.h"
#include "monitor/watchlist.h"

namespace caawatch::cli {

// Parses config.watch, then config.watchlist_file if set, straight into the index (a
// million-line file is never held as parsed entries). kInvalidArgument naming the source (and
// line) of a bad entry or an unreadable file.
absl::StatusOr<monitor::Watchlist> StaticWatches(const monitor::MonitorConfig& config);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_STATIC_WATCHES_H_
