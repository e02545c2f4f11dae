// Stores the inclusion evidence of findings when they are judged (SPEC §8), off the per-entry
// path: a durable cursor over findings by seq (store/entry_proofs.h) that each round advances
// past the findings whose proofs are stored, fetching each entry's proof from its log
// (tail/entry_proof_fetch.h). A finding whose proof is not stored yet is "proof pending"; the
// cursor passes it onto a bounded waiting list, retried apart, so that a log that never answers
// again holds back no other log's findings.
#ifndef CAAWATCH_TAIL_PROOF_KEEPER_H_
#define CAAWATCH_TAIL_PROOF_KEEPER_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/clock.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_types.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::tail {

// Whether the evidence of `finding` is kept when it is judged: the verdicts a domain owner
// takes to a CA (forbidden, likely_forbidden) and the one a CA may be asked to explain
// (dns_indeterminate: a lookup failed and nothing permitted). The others alert nobody to act.
bool KeepsEvidence(const store::FindingRecord& finding);

struct ProofRound {
  size_t stored = 0;       // Entries whose proof this round stored.
  size_t failed = 0;       // Entries the log served what does not verify (not asked again).
  size_t pending = 0;      // Findings still waiting for a proof (the log did not answer).
  std::string last_error;  // Why the latest pending entry is pending.
  bool more = false;       // A full page was read: the next round continues at once.
};

class ProofKeeper {
 public:
  // Findings read per round, so a round (and what it holds in memory) is bounded.
  static constexpr size_t kPage = 256;
  // Findings the cursor may leave waiting; with that many, it stops at the next pending one.
  static constexpr size_t kMaxWaiting = 4096;
  // All borrowed. `logs` are the logs proofs can be fetched from (the log list in use).
  ProofKeeper(store::Store* store, const std::vector<ctlog::LogInfo>& logs,
              ctlog::HttpFetcher* fetcher, const Clock* clock);

  // One round: the waiting findings first if `retry_waiting`, then up to kPage findings from the
  // cursor, which moves past every finding that needs nothing more and every one that goes onto
  // the waiting list. A log that fails once in a round is not asked again in it. Errors are the
  // store's only: a log's failure is a pending finding.
  [[nodiscard]] absl::StatusOr<ProofRound> RunOnce(bool retry_waiting = true);

 private:
  // True when `entry` needs nothing more (its proof stored now or before, a failure recorded,
  // or no log in the list to ask); false when it must be tried again (round->last_error says
  // why). Errors are the store's.
  absl::StatusOr<bool> KeepEntry(const store::EntryRef& entry, ProofRound* round);
  // KeepEntry of each entry, if `finding` keeps evidence: true when all need nothing more.
  absl::StatusOr<bool> KeepFinding(const store::FindingRecord& finding, ProofRound* round);

  store::Store* const store_;
  ctlog::HttpFetcher* const fetcher_;
  const Clock* const clock_;
  std::map<std::string, ctlog::LogInfo> logs_;  // By log ID.
  std::set<std::string> unanswered_;            // Logs that failed in this round.
};

struct ProofBacklog {
  uint64_t pending = 0;     // Findings waiting, or after the cursor, that lack a proof.
  uint64_t oldest_seq = 0;  // The first of them; 0 when none.
  bool more = false;        // More findings after the cursor than were looked at.
  store::ProofCursorRecord cursor;
};
// What `caawatch status` says of the keeper, read from the store: the findings "proof pending"
// on the waiting list and among the first `limit` after the cursor.
[[nodiscard]] absl::StatusOr<ProofBacklog> PendingProofs(store::Store* store, size_t limit);

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_PROOF_KEEPER_H_
