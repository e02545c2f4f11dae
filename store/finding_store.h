// The caawatch store: findings, log positions, the watchlist and CAA observations in RocksDB.
// Layout and encoding: SCHEMA.md. Thread-safe; all methods may be called concurrently.
// Errors: kDataLoss for corruption, kFailedPrecondition for a newer schema or a read-only or
// full disk, kInvalidArgument for bad arguments, kUnavailable for a busy database (from Open:
// a store locked by another process).
#ifndef CAAWATCH_STORE_FINDING_STORE_H_
#define CAAWATCH_STORE_FINDING_STORE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "store/records.pb.h"

namespace caawatch::store {

// Everything one processed range of one log changes, committed atomically.
struct CommitRequest {
  std::optional<LogStateRecord> log_state;  // Absent for commits not tied to a log.
  std::vector<FindingRecord> findings;      // seq is ignored on input.
  // DER of matched certificates, keyed by their SHA-256 (deduplicated by the store).
  std::vector<std::pair<std::string, std::string>> certificates;
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

// What RecordCaaObservation did.
struct RecordedObservation {
  enum class Kind { kExtended, kStarted };
  Kind kind = Kind::kStarted;
  // kStarted: last_seen of the newest earlier observation of the name, if any.
  std::optional<int64_t> previous_last_seen_ms;
};

// Names a CAA poll answered at one time, as the poller's 64-bit name hashes.
struct CaaPolled {
  absl::Time polled_at;
  std::vector<uint64_t> name_hashes;
};

// A CAA poll that answered every search name of a watchlist (Watchlist::DigestSearchNames),
// each at or after `started_at`.
struct CaaPollPass {
  uint64_t fingerprint = 0;
  absl::Time started_at;
};

// What Open does when the write-ahead log is damaged (not merely cut short by a crash, which
// every mode accepts).
enum class WalDamage {
  kFail,  // kDataLoss, saying so: nothing is rolled back silently.
  // Keeps every write before the first damaged record and drops the rest (RocksDB's
  // point-in-time recovery): a consistent, older store. Writers only (RecoverDamagedWal).
  kKeepIntactPrefix,
  // Skips the damaged records and applies the rest: not consistent, only read to learn what a
  // kKeepIntactPrefix open dropped. Readers only.
  kSkipDamagedRecords,
};

struct OpenOptions {
  bool read_only = false;  // CLI readers open without locking out `run`.
  WalDamage on_wal_damage = WalDamage::kFail;
  // A writer never gives new findings a seq below this: seqs a lost write had handed out were
  // alerted already, and a finding found again must reach subscribers as new.
  uint64_t min_next_seq = 0;
  // Writes are refused (kFailedPrecondition, saying how much is free) while the file system
  // holding the store has less than this free: RocksDB is never driven into a full disk, where
  // its error paths are not safe to rely on.
  uint64_t min_free_bytes = uint64_t{64} << 20;
};

class FindingStore {
 public:
  // Opens or creates the store in `dir` (a reader: kNotFound if there is none). Failures say
  // what they are (store/open_failure.h): kUnavailable only when another process holds the
  // store's lock; kDataLoss for a damaged store (corrupt tables, a damaged write-ahead log under
  // WalDamage::kFail, a missing CURRENT file); kFailedPrecondition if the schema is newer than
  // this build, or for a read-only file system, a permission denied, a full disk.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<FindingStore>> Open(const std::string& dir,
                                                                          OpenOptions options = {});
  virtual ~FindingStore() = default;

  // Atomic: the log state, every finding and certificate land together or not at all. A finding
  // whose key (tbs_sha256 for certificates, leaf_hash for malformed_cert, misbehaviour_key for
  // log_misbehaviour) already exists is
  // merged: entries are united by (log_id, index), empty hashes filled in; its seq and verdict
  // stay (only UpdateFindings changes a verdict). New findings get consecutive seqs after the
  // last one (seqs are shared with re-alerts, see UpdateFindings).
  [[nodiscard]] virtual absl::StatusOr<CommitResult> Commit(CommitRequest request) = 0;

  [[nodiscard]] virtual absl::StatusOr<std::optional<LogStateRecord>> LoadLogState(
      const std::string& log_id) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<LogStateRecord>> ListLogStates() = 0;

  // Findings in seq order (each at its current seq: a re-alerted finding is listed once, at
  // its new seq), read from one consistent snapshot.
  [[nodiscard]] virtual absl::StatusOr<std::vector<FindingRecord>> ListFindings(
      const FindingQuery& query) = 0;
  // Findings whose names include `name` (or, with `subtree`, any name at or below it), newest
  // first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<FindingRecord>> FindingsForName(
      const std::string& name, bool subtree, const FindingQuery& query) = 0;
  // By certificate, precertificate or TBS SHA-256 (raw 32 bytes), or by the leaf hash of a
  // malformed_cert finding.
  [[nodiscard]] virtual absl::StatusOr<std::optional<FindingRecord>> FindByHash(
      const std::string& sha256) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<std::string>> GetCertificateDer(
      const std::string& sha256) = 0;
  // Applies `updates` in one atomic batch. Each applied update pushes the stored evaluation
  // onto the finding's history (with its seq) and replaces it; with Alert::kNewSeq the finding
  // gets the next seq, its old seq is retired from by_seq and by_name, and first_seq keeps the
  // original. Returns the applied findings as stored (skipped ones are absent: unknown key,
  // not a certificate finding, or a based_on_revision that no longer matches).
  [[nodiscard]] virtual absl::StatusOr<std::vector<FindingRecord>> UpdateFindings(
      std::vector<FindingUpdate> updates) = 0;
  // Certificate findings whose earliest log timestamp (the end of their CAA windows) lies in
  // [from, to], oldest first, at most `limit`. Served by an index: cost is proportional to the
  // findings in the range, not to the store.
  [[nodiscard]] virtual absl::StatusOr<std::vector<FindingRecord>> FindingsIssuedBetween(
      absl::Time from, absl::Time to, size_t limit) = 0;
  // Findings whose current verdict is unknown_issuer, at most `limit`, by issuer (SPKI SHA-256,
  // else DN). Served by an index holding only those findings.
  [[nodiscard]] virtual absl::StatusOr<std::vector<FindingRecord>> UnknownIssuerFindings(
      size_t limit) = 0;

  // Highest seq assigned so far, 0 if none.
  [[nodiscard]] virtual absl::StatusOr<uint64_t> LastSeq() = 0;

  // Watchlist. PutWatch replaces an entry of the same name.
  [[nodiscard]] virtual absl::Status PutWatch(const WatchRecord& entry) = 0;
  // Returns whether it existed.
  [[nodiscard]] virtual absl::StatusOr<bool> RemoveWatch(const std::string& name) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<WatchRecord>> ListWatch() = 0;

  // Records an answer seen at `observation.last_seen_ms`: when it equals the newest stored
  // observation for its query name (same outcome, records, alias chain, DNSSEC status and TTL)
  // and that one was last seen no more than `max_gap` before, its last_seen is extended;
  // otherwise a new observation starts, so a gap in polling (downtime) stays visible as two
  // observations rather than passing for "unchanged".
  // Says which happened, so that a new observation can trigger re-evaluation.
  [[nodiscard]] virtual absl::StatusOr<RecordedObservation> RecordCaaObservation(
      const CaaObservationRecord& observation, absl::Duration max_gap) = 0;
  // RecordCaaObservation for many answers in one atomic, synced write (all land or none): a
  // poll of a million names costs one fsync per batch, not one per name. Results are in the
  // order of `observations`. kInvalidArgument if two of them share a query name.
  [[nodiscard]] virtual absl::StatusOr<std::vector<RecordedObservation>> RecordCaaObservations(
      const std::vector<CaaObservationRecord>& observations, absl::Duration max_gap) = 0;
  // Tree heads (SCHEMA.md `tree_heads`). PutTreeHead replaces the record of the same log, size
  // and root (kInvalidArgument without a 32-byte log ID and root).
  [[nodiscard]] virtual absl::Status PutTreeHead(const TreeHeadRecord& head) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<TreeHeadRecord>> GetTreeHead(
      const std::string& log_id, uint64_t tree_size, const std::string& root_hash) = 0;
  // Every head of the log, by tree size then root; at most `limit`.
  [[nodiscard]] virtual absl::StatusOr<std::vector<TreeHeadRecord>> ListTreeHeads(
      const std::string& log_id, size_t limit = 100000) = 0;
  // CAA poll ledger (SCHEMA.md `caa_polled`): which names a poll got answers for, and when, so
  // that a restart polls only the names that are due. RecordCaaPolled does not sync (losing a
  // record costs a repeated lookup, nothing else). CaaPolledSince lists the records polled at or
  // after `since`, oldest first.
  [[nodiscard]] virtual absl::Status RecordCaaPolled(absl::Time polled_at,
                                                     absl::Span<const uint64_t> name_hashes) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::vector<CaaPolled>> CaaPolledSince(absl::Time since) = 0;
  [[nodiscard]] virtual absl::Status ForgetCaaPolledBefore(absl::Time before) = 0;
  // The last complete poll of a whole watchlist (one record, replaced; not synced, a hint like
  // the ledger): a start whose watchlist has the same fingerprint within the interval skips
  // the per-name check.
  [[nodiscard]] virtual absl::Status RecordCaaPollPass(const CaaPollPass& pass) = 0;
  [[nodiscard]] virtual absl::StatusOr<std::optional<CaaPollPass>> LastCaaPollPass() = 0;
  // Observations of `query_name` overlapping [from, to], oldest first.
  [[nodiscard]] virtual absl::StatusOr<std::vector<CaaObservationRecord>> CaaHistory(
      const std::string& query_name, absl::Time from, absl::Time to) = 0;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_FINDING_STORE_H_
