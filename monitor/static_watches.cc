#include "monitor/static_watches.h"

#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "watch/watchlist_index_file.h"

namespace caawatch::monitor {
namespace {

// What the list is built from: the --watch names a line each, and the watchlist file's bytes.
struct WatchTexts {
  std::string flags;
  std::string file;
};

// A million names, the most we support and measure, are about 15 MB of text: room for
// issuers= lists and comments, and a bound on what a wrong path (/dev/zero, a disk image) costs.
constexpr size_t kMaxWatchlistFileBytes = size_t{256} << 20;

absl::StatusOr<WatchTexts> ReadWatchTexts(const MonitorConfig& config) {
  WatchTexts texts;
  for (const std::string& w : config.watch) {
    // Joined a line each below: a newline inside would make two entries of one.
    if (w.find('\n') != std::string::npos) {
      return absl::InvalidArgumentError(
          absl::StrCat("--watch ", QuoteInput(w), ": one entry, without a newline"));
    }
    absl::StrAppend(&texts.flags, w, "\n");
  }
  if (config.watchlist_file.empty()) return texts;
  CAAWATCH_ASSIGN_OR_RETURN(
      texts.file, ReadBoundedFile(config.watchlist_file, kMaxWatchlistFileBytes, "watchlist"));
  return texts;
}

absl::StatusOr<watch::Watchlist> Build(const MonitorConfig& config, const WatchTexts& texts) {
  watch::Watchlist::Builder builder;
  CAAWATCH_RETURN_IF_ERROR(Annotate(builder.AddText(texts.flags), "--watch"));
  CAAWATCH_RETURN_IF_ERROR(
      Annotate(builder.AddText(texts.file), QuoteInput(config.watchlist_file)));
  return std::move(builder).Build();
}

}  // namespace

absl::StatusOr<watch::Watchlist> StaticWatches(const MonitorConfig& config) {
  CAAWATCH_ASSIGN_OR_RETURN(const WatchTexts texts, ReadWatchTexts(config));
  return Build(config, texts);
}

absl::StatusOr<RunWatches> StaticWatchesForRun(const MonitorConfig& config, const Logger& logger) {
  CAAWATCH_ASSIGN_OR_RETURN(WatchTexts texts, ReadWatchTexts(config));
  RunWatches watches;
  // Names given as flags alone are few: reading them costs less than an index would.
  if (!config.watchlist_file.empty()) {
    watches.index_key = watch::WatchlistIndexKey({texts.flags, texts.file});
  }
  if (watches.index_key.has_value()) {
    const std::string path = watch::WatchlistIndexPath(config.data_dir);
    absl::StatusOr<watch::Watchlist> saved = watch::LoadWatchlistIndex(path, *watches.index_key);
    if (saved.ok()) {
      logger.Log(LogLevel::kInfo, "watch",
                 absl::StrCat("read the index of ", saved->size(), " watch entries from ", path,
                              " (built from the same watchlist)"));
      watches.list = *std::move(saved);
      watches.index_key.reset();  // Nothing to save.
      return watches;
    }
    if (!absl::IsNotFound(saved.status())) {
      logger.Log(absl::IsDataLoss(saved.status()) ? LogLevel::kWarning : LogLevel::kInfo, "watch",
                 absl::StrCat(saved.status().message(), "; reading the watchlist again"));
    }
  }
  CAAWATCH_ASSIGN_OR_RETURN(watches.list, Build(config, texts));
  return watches;
}

void SaveRunWatchesIndex(const MonitorConfig& config, const RunWatches& watches,
                         const Logger& logger) {
  if (!watches.index_key.has_value()) return;
  const std::string path = watch::WatchlistIndexPath(config.data_dir);
  const absl::Status saved = watch::SaveWatchlistIndex(path, *watches.index_key, watches.list);
  if (!saved.ok()) {
    logger.Log(LogLevel::kWarning, "watch",
               absl::StrCat("cannot save the watchlist index (the next start reads the "
                            "watchlist again): ",
                            saved.message()));
  }
}

}  // namespace caawatch::monitor
