// How the revocation follower (SPEC §8, judge/revocation_follower.h) fared in its latest
// round, as it left it in the store: what `caawatch status` shows under the evidence line.
// Offered here because cli/ reaches the store only through monitor/.
#ifndef CAAWATCH_MONITOR_REVOCATION_STATUS_H_
#define CAAWATCH_MONITOR_REVOCATION_STATUS_H_

#include "absl/status/statusor.h"
#include "store/revocation.pb.h"
#include "store/store.h"

namespace caawatch::monitor {

using store::RevocationFollowerRecord;

// An empty record (round_ms 0) before the first round that followed a finding.
inline absl::StatusOr<RevocationFollowerRecord> ReadRevocationStatus(store::Store& store) {
  return store.revocations().GetFollowerStatus();
}

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_REVOCATION_STATUS_H_
