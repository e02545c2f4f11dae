#include "cli/static_watches.h"

#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::cli {

absl::StatusOr<std::vector<monitor::WatchItem>> StaticWatches(
    const monitor::MonitorConfig& config) {
  std::string text;
  for (const std::string& w : config.watch) absl::StrAppend(&text, w, "\n");
  absl::StatusOr<std::vector<monitor::WatchItem>> parsed = monitor::ParseWatchlist(text);
  if (!parsed.ok()) return Annotate(parsed.status(), "--watch");
  std::vector<monitor::WatchItem> items = std::move(*parsed);
  if (!config.watchlist_file.empty()) {
    std::ifstream in(config.watchlist_file);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", config.watchlist_file));
    std::ostringstream file;
    file << in.rdbuf();
    absl::StatusOr<std::vector<monitor::WatchItem>> more = monitor::ParseWatchlist(file.str());
    if (!more.ok()) return Annotate(more.status(), config.watchlist_file);
    items.insert(items.end(), more->begin(), more->end());
  }
  return items;
}

}  // namespace caawatch::cli
