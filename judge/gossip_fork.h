// A fork found by gossip (SPEC §9, issue 21): another monitor's signed head of a log that
// contradicts the local verified head, stored as a `log_misbehaviour` finding with both signed
// heads (as signed notes) and the proof that failed. Keyed as the tailer keys what it finds, so
// the same fork seen again, by gossip or by the tailer, is one finding, alerted once.
#ifndef CAAWATCH_JUDGE_GOSSIP_FORK_H_
#define CAAWATCH_JUDGE_GOSSIP_FORK_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctlog/log_types.h"
#include "ctlog/misbehaviour.h"
#include "judge/alert_hub.h"
#include "store/store.h"

namespace caawatch::judge {

struct GossipFork {
  ctlog::LogInfo log;
  // kFork (same size, other root) or kInconsistent (no valid consistency proof). `head` is the
  // peer's (its checkpoint_note the note as the peer gave it), `against` the local verified head
  // with its signature, `proof` the log's consistency proof that failed (if one was served).
  ctlog::Misbehaviour misbehaviour;
  std::string our_note;  // The local verified head as a signed note ("" if none is stored).
};

// The finding's evidence: ctlog::MisbehaviourJson plus against.checkpoint (our note), log_url,
// log_id (base64), log, peer and error, the shape the tailer's log_misbehaviour findings have.
std::string GossipForkEvidence(const GossipFork& fork, absl::string_view peer);

// Stores `fork` (found in what `peer` served) as a critical log_misbehaviour finding and, when it
// is new, publishes it on `alerts` (may be null). Returns true when it is new, false when the
// same fork was already stored. `store` and `alerts` are borrowed. Errors are the store's.
[[nodiscard]] absl::StatusOr<bool> RecordGossipFork(store::Store* store, AlertHub* alerts,
                                                    const GossipFork& fork, absl::string_view peer,
                                                    absl::Time now);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_GOSSIP_FORK_H_
