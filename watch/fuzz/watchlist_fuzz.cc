// A watchlist file, read the way `caawatch run` reads it (plain names on a fast path), must give
// what ParseWatchItem gives line by line: the same entries, or an error on the same line. Any
// difference aborts; so does a match that names no entry of the list.
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_split.h"
#include "watch/watchlist.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace caawatch::watch;
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<WatchItem> reference;
  bool reference_ok = true;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    absl::StatusOr<WatchItem> item = ParseWatchItem(line);
    if (!item.ok()) {
      reference_ok = false;
      break;
    }
    reference.push_back(*std::move(item));
  }
  const absl::StatusOr<std::vector<WatchItem>> read = ParseWatchlist(text);
  if (read.ok() != reference_ok || (read.ok() && *read != reference)) std::abort();

  Watchlist::Builder builder;
  const bool added = builder.AddText(text).ok();
  if (added != reference_ok) std::abort();
  const Watchlist list = std::move(builder).Build();
  const Watchlist expected(reference);
  if (list.size() != expected.size()) std::abort();
  for (size_t i = 0; i < list.size(); ++i) {
    const absl::StatusOr<WatchItem> item = list.entry(i).ToItem();
    if (!item.ok() || item != expected.entry(i).ToItem()) std::abort();
    for (const Match& m : list.MatchName(list.entry(i).domain())) {
      if (m.item.index() >= list.size()) std::abort();
    }
  }
  return 0;
}
