// Subtree discovery (issue 18), for names in zones that are not followed: a name first seen in
// a certificate under a watched subtree (".example.com") has no CAA observation from before
// that certificate, but the next certificate for it should. The names the findings of the last
// `expiry` show join the CAA poll (bounded); a name not seen again in a certificate for that
// long leaves it.
#ifndef CAAWATCH_JUDGE_DISCOVERED_NAMES_H_
#define CAAWATCH_JUDGE_DISCOVERED_NAMES_H_

#include <cstddef>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/store.h"
#include "watch/watchlist.h"

namespace caawatch::judge {

struct DiscoveryOptions {
  absl::Duration expiry = absl::Hours(24 * 30);
  size_t max_names = 100000;  // The newest names first; the rest wait until these expire.
};

// The watched names of the certificate findings recorded in (now - expiry, now], newest first,
// each once, as exact watch entries, except the entries of `watched` itself. Errors: the
// store's.
[[nodiscard]] absl::StatusOr<watch::Watchlist> DiscoveredNames(store::Store* store,
                                                               const watch::Watchlist& watched,
                                                               absl::Time now,
                                                               const DiscoveryOptions& options);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_DISCOVERED_NAMES_H_
