// Findings (SCHEMA.md `findings` and its indexes `by_seq`, `by_name`, `by_hash`, `by_verdict`,
// `by_time`, `reeval`, with the matched certificates in `certs`): every finding under one key,
// numbered by a gapless, never reused seq that alert streams resume from.
#ifndef CAAWATCH_STORE_FINDINGS_H_
#define CAAWATCH_STORE_FINDINGS_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/write_batch.h"
#include "store/database.h"
#include "store/entry_evidence.pb.h"
#include "store/logs.h"
#include "store/records.pb.h"

namespace caawatch::store {

// Everything one processed range of one log changes, committed atomically.
struct CommitRequest {
  std::optional<LogStateRecord> log_state;  // Absent for commits not tied to a log.
  std::vector<FindingRecord> findings;      // seq is ignored on input.
  // DER of matched certificates, keyed by their SHA-256 (deduplicated by the store).
  std::vector<std::pair<std::string, std::string>> certificates;
  // The issuers of matched certificates (by the certificate's SHA-256); the issuers' DER goes
  // in `certificates`. What a hook's CERT_FILENAME chain is built from.
  std::vector<std::pair<std::string, IssuerChainRecord>> issuer_chains;
  // The log entries of malformed_cert findings, by leaf hash: a hook's ENTRY_FILENAME.
  std::vector<std::pair<std::string, MalformedEntryRecord>> malformed_entries;
  // False for a commit that only advances log_state: it is written without waiting for the
  // disk. A crash of the process keeps it; a power cut may take it back, and the entries are
  // then read again. A commit that creates or changes a finding is always synced (its alert
  // goes out once Commit returns), and syncing makes every earlier commit durable too.
  bool sync = true;
};

struct CommitResult {
  // Findings that did not exist before, with their new seq, in seq order.
  std::vector<FindingRecord> created;
  // Existing findings that gained entries or hashes (seq unchanged).
  std::vector<FindingRecord> updated;
};

struct FindingQuery {
  uint64_t after_seq = 0;                     // Only seq > after_seq.
  std::vector<std::string> verdicts;          // Empty = any.
  std::vector<std::string> severities;        // Empty = any.
  absl::Time since = absl::InfinitePast();    // recorded_ms >= since.
  absl::Time until = absl::InfiniteFuture();  // recorded_ms < until.
  std::string log_id;                         // Raw bytes; empty = any.
  size_t limit = 1000;
  bool newest_first = false;  // Default ascending seq.
};

// Replaces the evaluation of an existing certificate finding (re-evaluation on late data).
struct FindingUpdate {
  enum class Alert {
    kKeepSeq,  // Stored in place; subscribers are not told.
    kNewSeq,   // The finding moves to a new seq, so it is streamed again, once.
  };
  // Identifies the finding by tbs_sha256 and carries the new evaluation: verdict, severity,
  // reason, caa, issuer, unexpected_issuer_for and evaluated_ms replace the stored ones;
  // everything else (entries, hashes, names) stays as stored.
  FindingRecord finding;
  // history_size() of the stored version the new evaluation was computed from: if another
  // update landed since, this one is skipped (the caller re-reads and re-evaluates).
  int based_on_revision = 0;
  Alert alert = Alert::kKeepSeq;
  std::string because;  // Recorded in the superseded revision.
};

class Findings {
 public:
  // Both borrowed; `logs` stages the log state of a Commit into the same batch.
  Findings(Database* db, Logs* logs) : db_(db), logs_(logs) {}

  // Atomic: the log state, every finding and certificate land together or not at all. A finding
  // whose key (tbs_sha256 for certificates, leaf_hash for malformed_cert, misbehaviour_key for
  // log_misbehaviour) already exists is merged: entries are united by (log_id, index), empty
  // hashes filled in; its seq and verdict stay (only Update changes a verdict). New findings
  // get consecutive seqs after the last one (seqs are shared with re-alerts, see Update).
  [[nodiscard]] absl::StatusOr<CommitResult> Commit(CommitRequest request);

  // Findings in seq order (each at its current seq: a re-alerted finding is listed once, at
  // its new seq), read from one consistent snapshot.
  [[nodiscard]] absl::StatusOr<std::vector<FindingRecord>> List(const FindingQuery& query);
  // Findings whose names include `name` (or, with `subtree`, any name at or below it), newest
  // first.
  [[nodiscard]] absl::StatusOr<std::vector<FindingRecord>> ForName(const std::string& name,
                                                                   bool subtree,
                                                                   const FindingQuery& query);
  // By certificate, precertificate or TBS SHA-256 (raw 32 bytes), or by the leaf hash of a
  // malformed_cert finding.
  [[nodiscard]] absl::StatusOr<std::optional<FindingRecord>> FindByHash(const std::string& sha256);
  // The one finding with a hash (as FindByHash) starting with `prefix` (raw bytes), so that a
  // user can give the short hash a table shows; nullopt if none; kFailedPrecondition naming the
  // count if the prefix fits several findings.
  [[nodiscard]] absl::StatusOr<std::optional<FindingRecord>> FindByHashPrefix(
      const std::string& prefix);
  [[nodiscard]] absl::StatusOr<std::optional<std::string>> GetCertificateDer(
      const std::string& sha256);
  // The issuers' DER of the certificate whose SHA-256 is `sha256`, issuer first, as committed
  // with it (CommitRequest::issuer_chains); empty when none was (an older store, a log entry
  // without a chain). An issuer whose DER is missing ends the chain there.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> GetIssuerChainDer(
      const std::string& sha256);
  // The log entry of the malformed_cert finding whose leaf hash is `leaf_hash`, if committed.
  [[nodiscard]] absl::StatusOr<std::optional<MalformedEntryRecord>> GetMalformedEntry(
      const std::string& leaf_hash);
  // Applies `updates` in one atomic batch. Each applied update pushes the stored evaluation
  // onto the finding's history (with its seq) and replaces it; with Alert::kNewSeq the finding
  // gets the next seq, its old seq is retired from by_seq and by_name, and first_seq keeps the
  // original. Returns the applied findings as stored (skipped ones are absent: unknown key,
  // not a certificate finding, or a based_on_revision that no longer matches).
  [[nodiscard]] absl::StatusOr<std::vector<FindingRecord>> Update(
      std::vector<FindingUpdate> updates);
  // Certificate findings whose earliest log timestamp (the end of their CAA windows) lies in
  // [from, to], oldest first, at most `limit` (fewer only when no more are in the range). Served by
  // an index: cost is proportional to the findings in the range, not to the store.
  [[nodiscard]] absl::StatusOr<std::vector<FindingRecord>> IssuedBetween(absl::Time from,
                                                                         absl::Time to,
                                                                         size_t limit);
  // Certificate findings whose names include `name` or lie below it and whose earliest log
  // timestamp lies in [from, to], in seq order from after_seq on, at most `limit` (the next page
  // starts after the last seq returned). Served by by_name, skipping the findings recorded well
  // before `from`: cost is proportional to the index keys under `name`, not to the store.
  [[nodiscard]] absl::StatusOr<std::vector<FindingRecord>> IssuedBetweenUnder(
      const std::string& name, absl::Time from, absl::Time to, uint64_t after_seq, size_t limit);
  // Findings whose current verdict is unknown_issuer, at most `limit`, by issuer (SPKI SHA-256,
  // else DN). Served by an index holding only those findings.
  // The next page starts after `after`, the last finding of the previous page.
  [[nodiscard]] absl::StatusOr<std::vector<FindingRecord>> WithUnknownIssuer(
      size_t limit, const FindingRecord* after = nullptr);
  // Highest seq assigned so far, 0 if none.
  [[nodiscard]] absl::StatusOr<uint64_t> LastSeq();

 private:
  // Puts request.issuer_chains and request.malformed_entries into `batch` (entry_evidence.cc).
  void StageEntryEvidence(const CommitRequest& request, rocksdb::WriteBatch* batch);
  friend class Store;  // Opens: Load, StageVersion2Indexes, RaiseNextSeq.

  // Reads the next seq and the newest record time.
  [[nodiscard]] absl::Status Load();
  // Stages the indexes of schema version 2 (by_verdict, by_time, reeval) built from the
  // findings of a version 1 store.
  [[nodiscard]] absl::Status StageVersion2Indexes(rocksdb::WriteBatch* batch);
  // OpenOptions::min_next_seq: written (synced) when above the stored next seq.
  [[nodiscard]] absl::Status RaiseNextSeq(uint64_t min_next_seq);
  // Before a write hands out seqs below `end`: the high-water mark (store/seq_reservation.h)
  // is raised to `end` first, so that a damaged write-ahead log cannot make them be reused.
  [[nodiscard]] absl::Status ReserveSeqsBelow(uint64_t end)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_);
  absl::StatusOr<std::optional<FindingRecord>> FindingAt(
      const std::string& finding_key, const rocksdb::Snapshot* snapshot = nullptr);
  // The finding at `seq` by by_seq, if it is still there (a re-alert retires its old seq).
  absl::StatusOr<std::optional<FindingRecord>> FindingAtSeq(uint64_t seq,
                                                            const rocksdb::Snapshot* snapshot);
  // Findings named by the values of the reeval keys starting with `from` and below `to` that
  // `keep` accepts, at most `limit` of them.
  absl::StatusOr<std::vector<FindingRecord>> FindingsByReevalRange(
      const std::string& from, const std::string& to, size_t limit,
      const std::function<bool(const FindingRecord&)>& keep);
  // The reeval index entries a finding's current state calls for.
  void PutReevalKeys(const FindingRecord& f, const std::string& key, rocksdb::WriteBatch* batch);
  // The seqs of by_name under `name` (exactly it, or with `subtree` also the names below it)
  // from min_seq on, ascending, each once.
  absl::StatusOr<std::vector<uint64_t>> SeqsUnderName(const std::string& name, bool subtree,
                                                      uint64_t min_seq,
                                                      const rocksdb::Snapshot* snapshot);
  // The first seq recorded at or after `ms` (next_seq when none): by_time turns a time range
  // into a seq range.
  absl::StatusOr<uint64_t> FirstSeqAtOrAfter(int64_t ms);
  // Seqs in [lo, hi) with one of `verdicts`, at most `limit` per verdict, in query order.
  absl::StatusOr<std::vector<uint64_t>> SeqsWithVerdicts(const FindingQuery& q, uint64_t lo,
                                                         uint64_t hi,
                                                         const rocksdb::Snapshot* snapshot);
  static bool Matches(const FindingRecord& f, const FindingQuery& query);

  Database* const db_;
  Logs* const logs_;
  absl::Mutex commit_mu_;  // Serialises read-modify-write of findings and seq allocation.
  uint64_t next_seq_ ABSL_GUARDED_BY(commit_mu_) = 1;
  uint64_t seq_high_water_ ABSL_GUARDED_BY(commit_mu_) = 0;   // As last written.
  int64_t last_recorded_ms_ ABSL_GUARDED_BY(commit_mu_) = 0;  // Of the newest finding.
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_FINDINGS_H_
