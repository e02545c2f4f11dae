#include "monitor/proof_status.h"

#include "base/status_macros.h"
#include "tail/proof_keeper.h"

namespace caawatch::monitor {

absl::StatusOr<ProofStatus> ReadProofStatus(store::Store* store) {
  CAAWATCH_ASSIGN_OR_RETURN(const tail::ProofBacklog backlog,
                            tail::PendingProofs(store, kMaxCountedProofPending));
  ProofStatus status;
  status.pending = backlog.pending;
  status.more = backlog.more && backlog.pending > 0;
  status.oldest_seq = backlog.oldest_seq;
  status.last_success_ms = backlog.cursor.last_success_ms();
  if (backlog.pending > 0) {
    status.last_error = backlog.cursor.last_error();
    status.last_error_ms = backlog.cursor.last_error_ms();
  }
  return status;
}

}  // namespace caawatch::monitor
