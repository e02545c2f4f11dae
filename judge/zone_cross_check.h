// The cross-check between polling and a followed zone (issue 18): a lookup answer for a name in
// a followed zone that disagrees with the zone's own records at that time means the world is
// served another zone than the one the primary transfers to caawatch (or the reverse), which
// the owner must hear of. A disagreement within the TTL after a zone change is a cache, not a
// disagreement.
#ifndef CAAWATCH_JUDGE_ZONE_CROSS_CHECK_H_
#define CAAWATCH_JUDGE_ZONE_CROSS_CHECK_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "judge/zone_history.h"
#include "store/store.h"

namespace caawatch::judge {

// The newest lookup observation of `query_name` against the zone's state when it was made;
// a sentence saying how they differ, or nullopt when they agree (or there is nothing to
// compare: a failed lookup, a name outside the followed zones, a time the zone was not
// followed). Errors: the store's.
[[nodiscard]] absl::StatusOr<std::optional<std::string>> CrossCheckLookup(
    const ZoneHistory& zones, store::Store* store, const std::string& query_name);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_ZONE_CROSS_CHECK_H_
