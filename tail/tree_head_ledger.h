// The tree heads one log served, kept in the store (SCHEMA.md `tree_heads`) and audited: each is
// checked against the verified tree when it arrives (LogTailer::FetchSth), and again, once the
// verified size has reached it, if it was larger then (certspotter leaves this undone). Owned by
// the log's worker; not thread-safe.
#ifndef CAAWATCH_TAIL_TREE_HEAD_LEDGER_H_
#define CAAWATCH_TAIL_TREE_HEAD_LEDGER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "ctlog/log_tailer.h"
#include "ctlog/misbehaviour.h"
#include "store/logs.h"

namespace caawatch::tail {

class TreeHeadLedger {
 public:
  // Heads awaiting their second audit kept in memory; beyond it the oldest are audited early
  // (against a smaller verified tree) and dropped, so memory stays bounded.
  static constexpr size_t kMaxPending = 1024;

  // `logs` and `clock` are borrowed. `log_id` is the raw 32-byte ID.
  TreeHeadLedger(std::string log_id, store::Logs* logs, const Clock* clock)
      : log_id_(std::move(log_id)), logs_(logs), clock_(clock) {}

  // Loads the log's pending heads from the store (after a restart).
  [[nodiscard]] absl::Status Load();

  // Records a head that passed the audit against a verified tree of `verified_size`: pending if
  // it is larger, else consistent. A head identical to the last one recorded is not rewritten.
  [[nodiscard]] absl::Status Accept(const ctlog::SignedTreeHead& head, const std::string& note,
                                    uint64_t verified_size);
  // Records the head a misbehaviour accuses (kept as evidence, audit "misbehaviour").
  [[nodiscard]] absl::Status Reject(const ctlog::Misbehaviour& m);

  // Audits every pending head at or below the tailer's verified size with tailer->Audit().
  // Returns the misbehaviour found (kDataLoss statuses with evidence), each head recorded
  // accordingly. kUnavailable (proof not fetched) leaves the rest pending and is returned.
  [[nodiscard]] absl::StatusOr<std::vector<absl::Status>> AuditPending(ctlog::LogTailer* tailer);

  // The stored copy of a head (for the signature of a verified head named by evidence).
  [[nodiscard]] absl::StatusOr<std::optional<store::TreeHeadRecord>> Find(
      uint64_t tree_size, const ctlog::Sha256Hash& root) const;

  size_t pending() const { return pending_.size(); }

 private:
  using Key = std::pair<uint64_t, ctlog::Sha256Hash>;
  absl::Status Put(const ctlog::SignedTreeHead& head, const std::string& note,
                   const std::string& audit, uint64_t against, const std::string& error);

  const std::string log_id_;
  store::Logs* logs_;
  const Clock* clock_;
  std::map<Key, ctlog::SignedTreeHead> pending_;  // Ordered by size: audited smallest first.
  std::optional<ctlog::SignedTreeHead> last_accepted_;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_TREE_HEAD_LEDGER_H_
