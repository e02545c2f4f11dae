// Split views (SPEC §9, issue 21): every witness_check_interval, each configured witness that
// has a monitoring URL is asked for its latest cosigned checkpoint of the log (ctlog::
// WitnessClient), which must be the log's (its signature) and the witness's (a valid cosignature),
// and is then audited against the verified tree like any head the log served (LogTailer::Audit:
// the same size needs the same root, any other size a consistency proof, from the log's tiles or
// get-sth-consistency). A contradiction is a split view: the log shows the witness another tree
// than the one caawatch reads. Each witness's outcome is kept in the store (Logs::PutWitnessView,
// `caawatch status`): an unreachable or lagging witness is a status, never a finding. A head a
// witness was found to contradict with is not audited again. Owned by the log's worker.
#ifndef CAAWATCH_TAIL_WITNESS_VIEWS_H_
#define CAAWATCH_TAIL_WITNESS_VIEWS_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_tailer.h"
#include "ctlog/log_types.h"
#include "ctlog/witness_client.h"
#include "ctlog/witness_policy.h"
#include "store/logs.h"

namespace caawatch::tail {

class WitnessViews {
 public:
  // `fetcher`, `logs` and `clock` are borrowed. Witnesses without a URL are not asked.
  WitnessViews(ctlog::WitnessPolicy policy, ctlog::LogInfo log, ctlog::HttpFetcher* fetcher,
               store::Logs* logs, const Clock* clock, absl::Duration interval);

  // Whether any witness is asked at all.
  bool empty() const { return asked_ == 0; }

  // When `interval` has passed since the last round (or at the first call): checks each
  // witness's checkpoint against `tailer`'s verified tree and records the outcome. Returns the
  // split views found: kDataLoss statuses with ctlog::Misbehaviour evidence (the witness's head
  // and note, the verified head, the proof; `witness` names it). Errors: the store's.
  [[nodiscard]] absl::StatusOr<std::vector<absl::Status>> CheckIfDue(ctlog::LogTailer* tailer);

 private:
  // One witness: the outcome recorded in `view`, a split view returned as a status.
  absl::Status Check(const ctlog::Witness& witness, ctlog::LogTailer* tailer,
                     store::WitnessViewRecord* view);

  const ctlog::WitnessPolicy policy_;
  const ctlog::LogInfo log_;
  const std::string log_id_;
  const std::string origin_;
  store::Logs* logs_;
  const Clock* clock_;
  const absl::Duration interval_;
  ctlog::WitnessClient client_;
  size_t asked_ = 0;
  absl::Time last_round_ = absl::InfinitePast();
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_WITNESS_VIEWS_H_
