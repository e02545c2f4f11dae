#include "tail/proof_keeper.h"

#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/status_macros.h"
#include "store/verdict.h"
#include "tail/entry_proof_fetch.h"

namespace caawatch::tail {
namespace {

// An entry kept without its inclusion record (a store older than issue 15) has no head to be
// proven in; nothing can be stored for it.
bool Provable(const store::EntryRef& entry) {
  return entry.has_inclusion() && entry.inclusion().tree_size() > 0;
}

// The finding at `seq`, if it is still there: a re-alert moves a finding to a new seq, past the
// cursor, where the keeper meets it again.
absl::StatusOr<std::optional<store::FindingRecord>> FindingAtSeq(store::Store* store,
                                                                 uint64_t seq) {
  store::FindingQuery query;
  query.after_seq = seq - 1;
  query.limit = 1;
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> found, store->findings().List(query));
  if (found.empty() || found[0].seq() != seq) return std::optional<store::FindingRecord>();
  return std::optional<store::FindingRecord>(std::move(found[0]));
}

}  // namespace

bool KeepsEvidence(const store::FindingRecord& finding) {
  const absl::StatusOr<store::Verdict> verdict = store::VerdictFromName(finding.verdict());
  return verdict.ok() &&
         (*verdict == store::Verdict::kForbidden || *verdict == store::Verdict::kLikelyForbidden ||
          *verdict == store::Verdict::kDnsIndeterminate);
}

ProofKeeper::ProofKeeper(store::Store* store, const std::vector<ctlog::LogInfo>& logs,
                         ctlog::HttpFetcher* fetcher, const Clock* clock)
    : store_(store), fetcher_(fetcher), clock_(clock) {
  for (const ctlog::LogInfo& log : logs) {
    logs_.emplace(std::string(log.log_id.begin(), log.log_id.end()), log);
  }
}

absl::StatusOr<bool> ProofKeeper::KeepEntry(const store::EntryRef& entry, ProofRound* round) {
  if (!Provable(entry)) return true;
  CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::EntryProofRecord> stored,
                            store_->entry_proofs().Get(entry.log_id(), entry.index()));
  if (stored.has_value()) return true;
  const auto log = logs_.find(entry.log_id());
  // A log no longer listed cannot be asked; `caawatch evidence` says so for the entry.
  if (log == logs_.end()) return true;
  const store::InclusionRecord& inclusion = entry.inclusion();
  CAAWATCH_ASSIGN_OR_RETURN(
      const std::optional<store::TreeHeadRecord> head,
      store_->logs().GetTreeHead(entry.log_id(), inclusion.tree_size(), inclusion.root_hash()));
  if (!head.has_value()) return true;
  if (unanswered_.count(entry.log_id()) > 0) return false;  // round->last_error says why.
  const int64_t now_ms = absl::ToUnixMillis(clock_->Now());
  absl::StatusOr<evidence::EntryEvidence> fetched =
      FetchEntryProof(fetcher_, log->second, entry, *head);
  if (fetched.ok()) {
    CAAWATCH_RETURN_IF_ERROR(store_->entry_proofs().Put(ToEntryProofRecord(*fetched, now_ms)));
    ++round->stored;
    return true;
  }
  if (absl::IsDataLoss(fetched.status())) {
    // What the log serves does not prove what was judged: asking again would not change that.
    store::EntryProofRecord failure;
    failure.set_log_id(entry.log_id());
    failure.set_index(entry.index());
    failure.set_stored_ms(now_ms);
    failure.set_failure(std::string(fetched.status().message()));
    CAAWATCH_RETURN_IF_ERROR(store_->entry_proofs().Put(failure));
    ++round->failed;
    return true;
  }
  round->last_error = absl::StrCat("entry ", entry.index(), " of ", entry.log_url(), ": ",
                                   fetched.status().message());
  unanswered_.insert(entry.log_id());
  return false;
}

absl::StatusOr<bool> ProofKeeper::KeepFinding(const store::FindingRecord& finding,
                                              ProofRound* round) {
  bool done = true;
  if (KeepsEvidence(finding)) {
    for (const store::EntryRef& entry : finding.entries()) {
      CAAWATCH_ASSIGN_OR_RETURN(const bool kept, KeepEntry(entry, round));
      done = done && kept;
    }
  }
  return done;
}

absl::StatusOr<ProofRound> ProofKeeper::RunOnce(bool retry_waiting) {
  CAAWATCH_ASSIGN_OR_RETURN(store::ProofCursorRecord cursor, store_->entry_proofs().GetCursor());
  unanswered_.clear();
  ProofRound round;
  std::vector<uint64_t> waiting;
  for (const uint64_t seq : cursor.waiting_seqs()) {
    if (!retry_waiting) {
      waiting.push_back(seq);
      ++round.pending;
      continue;
    }
    CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::FindingRecord> finding,
                              FindingAtSeq(store_, seq));
    if (!finding) continue;
    CAAWATCH_ASSIGN_OR_RETURN(const bool done, KeepFinding(*finding, &round));
    if (!done) {
      waiting.push_back(seq);
      ++round.pending;
    }
  }
  store::FindingQuery query;
  query.after_seq = cursor.cursor_seq();
  query.limit = kPage;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::FindingRecord> findings,
                            store_->findings().List(query));
  bool blocked = false;
  uint64_t done_through = cursor.cursor_seq();
  for (const store::FindingRecord& finding : findings) {
    CAAWATCH_ASSIGN_OR_RETURN(const bool done, KeepFinding(finding, &round));
    if (!done) {
      ++round.pending;
      if (!blocked && waiting.size() < kMaxWaiting) {
        waiting.push_back(finding.seq());
        done_through = finding.seq();
      } else {
        blocked = true;
      }
    } else if (!blocked) {
      done_through = finding.seq();
    }
  }
  round.more = findings.size() == kPage && !blocked;
  const int64_t now_ms = absl::ToUnixMillis(clock_->Now());
  store::ProofCursorRecord next = cursor;
  next.set_cursor_seq(done_through);
  next.mutable_waiting_seqs()->Assign(waiting.begin(), waiting.end());
  if (round.stored > 0) next.set_last_success_ms(now_ms);
  if (!round.last_error.empty()) {
    next.set_last_error(round.last_error);
    next.set_last_error_ms(now_ms);
  } else if (round.pending == 0) {
    next.clear_last_error();
  }
  if (next.SerializeAsString() != cursor.SerializeAsString()) {
    CAAWATCH_RETURN_IF_ERROR(store_->entry_proofs().PutCursor(next));
  }
  return round;
}

absl::StatusOr<ProofBacklog> PendingProofs(store::Store* store, size_t limit) {
  ProofBacklog backlog;
  CAAWATCH_ASSIGN_OR_RETURN(backlog.cursor, store->entry_proofs().GetCursor());
  const auto count_if_missing = [&](const store::FindingRecord& finding) -> absl::Status {
    if (!KeepsEvidence(finding)) return absl::OkStatus();
    bool missing = false;
    for (const store::EntryRef& entry : finding.entries()) {
      if (!Provable(entry)) continue;
      CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::EntryProofRecord> stored,
                                store->entry_proofs().Get(entry.log_id(), entry.index()));
      missing = missing || !stored.has_value();
    }
    if (missing && backlog.pending++ == 0) backlog.oldest_seq = finding.seq();
    return absl::OkStatus();
  };
  for (const uint64_t seq : backlog.cursor.waiting_seqs()) {  // In seq order, before the cursor.
    CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::FindingRecord> finding,
                              FindingAtSeq(store, seq));
    if (finding) CAAWATCH_RETURN_IF_ERROR(count_if_missing(*finding));
  }
  store::FindingQuery query;
  query.after_seq = backlog.cursor.cursor_seq();
  query.limit = limit;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::FindingRecord> findings,
                            store->findings().List(query));
  backlog.more = findings.size() == limit;
  for (const store::FindingRecord& finding : findings) {
    CAAWATCH_RETURN_IF_ERROR(count_if_missing(finding));
  }
  return backlog;
}

}  // namespace caawatch::tail
