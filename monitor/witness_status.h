// Each configured witness's view of each log, as the logs' workers last checked it (SPEC §9
// split views, tail/witness_views.h): what `caawatch status` lists under the logs. Offered here
// because cli/ reaches the store only through monitor/.
#ifndef CAAWATCH_MONITOR_WITNESS_STATUS_H_
#define CAAWATCH_MONITOR_WITNESS_STATUS_H_

#include <vector>

#include "absl/status/statusor.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::monitor {

using store::WitnessViewRecord;

// By log ID, then witness name.
inline absl::StatusOr<std::vector<WitnessViewRecord>> ListWitnessViews(store::Store& store) {
  return store.logs().ListWitnessViews();
}

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_WITNESS_STATUS_H_
