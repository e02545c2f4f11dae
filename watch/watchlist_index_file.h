// A built watchlist saved in a file beside the store, so that a start with the same watchlist
// text reads the index (a million names: about 0.1 s) instead of parsing and indexing every
// line again (0.25 s). The file is keyed by the text it was built from and by the build of the
// program that built it (its GNU build ID: other parsing rules would build another list), and
// carries a checksum; a file that does not match is not used, and the caller builds the list
// from the text as before.
#ifndef CAAWATCH_WATCH_WATCHLIST_INDEX_FILE_H_
#define CAAWATCH_WATCH_WATCHLIST_INDEX_FILE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "watch/watchlist.h"

namespace caawatch::watch {

// Where the index of `caawatch run`'s watchlist is kept: beside the store.
std::string WatchlistIndexPath(const std::string& data_dir);

// Names the list that `texts` (watchlist file syntax, in the order they are added) build with
// this program. nullopt when the program has no build ID to tell its builds apart: then no index
// is ever used.
std::optional<uint64_t> WatchlistIndexKey(absl::Span<const absl::string_view> texts);

// The list saved at `path` under `key`. kNotFound: no file. kFailedPrecondition: saved for
// another text or program. kDataLoss: damaged (checksum or structure); the message says how.
[[nodiscard]] absl::StatusOr<Watchlist> LoadWatchlistIndex(const std::string& path, uint64_t key);

// Saves `list` under `key`, replacing `path` atomically (a temporary file renamed over it).
[[nodiscard]] absl::Status SaveWatchlistIndex(const std::string& path, uint64_t key,
                                              const Watchlist& list);

}  // namespace caawatch::watch

#endif  // CAAWATCH_WATCH_WATCHLIST_INDEX_FILE_H_
