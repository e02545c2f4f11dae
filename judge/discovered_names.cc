#include "judge/discovered_names.h"

#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/status_macros.h"

namespace caawatch::judge {

absl::StatusOr<watch::Watchlist> DiscoveredNames(store::Store* store,
                                                 const watch::Watchlist& watched, absl::Time now,
                                                 const DiscoveryOptions& options) {
  absl::flat_hash_set<std::string> exact;
  for (size_t i = 0; i < watched.size(); ++i) {
    const watch::WatchEntry e = watched.entry(i);
    if (!e.subtree()) exact.insert(std::string(e.domain()));
  }
  absl::flat_hash_set<std::string> seen;
  watch::Watchlist::Builder builder;
  store::FindingQuery query;
  query.since = now - options.expiry;
  query.until = now + absl::Milliseconds(1);
  query.newest_first = true;
  query.limit = 1000;
  // Bounded: at most this many findings are read for one poll.
  const size_t max_findings = 10 * options.max_names + 1000;
  size_t read = 0;
  while (builder.size() < options.max_names && read < max_findings) {
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> page,
                              store->findings().List(query));
    for (const store::FindingRecord& f : page) {
      if (f.kind() != "certificate") continue;
      for (const std::string& name : f.watched_names()) {
        if (builder.size() >= options.max_names) break;
        if (exact.contains(name) || !seen.insert(name).second) continue;
        absl::StatusOr<watch::WatchItem> item = watch::ParseWatchItem(name);
        if (item.ok()) builder.Add(*item);  // A name that is none (an IP address) is not polled.
      }
    }
    read += page.size();
    if (page.size() < query.limit) break;
    // The next page ends before this one's oldest millisecond (findings recorded in that same
    // millisecond beyond the page are left out: discovery is best effort, and bounded).
    query.until = absl::FromUnixMillis(page.back().recorded_ms());
    if (query.until <= query.since) break;
  }
  return std::move(builder).Build();
}

}  // namespace caawatch::judge
