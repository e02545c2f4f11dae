#include "monitor/caa_poll_state.h"

#include <vector>

#include "absl/container/flat_hash_set.h"
#include "base/status_macros.h"

namespace caawatch::monitor {

absl::StatusOr<CaaPollState> ReadCaaPollState(store::Store* store, absl::Duration interval,
                                              absl::Time now) {
  CaaPollState state;
  CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::CaaPollPass> pass,
                            store->caa_polls().LastPass());
  if (pass) state.last_full_poll = pass->started_at;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::CaaPolled> polled,
                            store->caa_polls().PolledSince(now - interval));
  absl::flat_hash_set<uint64_t> names;
  for (const store::CaaPolled& p : polled) names.insert(p.name_hashes.begin(), p.name_hashes.end());
  state.answered_within_interval = names.size();
  return state;
}

}  // namespace caawatch::monitor
