// Tails one log of either kind (RFC 6962 or static-ct-api, through ctlog::LogTailer): tailer step
// -> decode -> watchlist match -> CAA evaluation -> one atomic commit per batch (findings + log
// position) -> alert notification. A certificate finding is committed and alerted only once its
// entry is proven to be in a signed tree head (issue 15): until then it is held (HeldFindings).
// Run() runs on the caller's thread (the Supervisor gives each log one; tests drive CatchUp()
// directly); each CatchUp fetches on a second thread of its own, a few batches ahead
// (BatchPrefetcher).
#ifndef CAAWATCH_TAIL_LOG_WORKER_H_
#define CAAWATCH_TAIL_LOG_WORKER_H_

#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_tailer.h"
#include "ctlog/log_types.h"
#include "judge/alert_hub.h"
#include "judge/issuance_evaluator.h"
#include "judge/watch_source.h"
#include "nlohmann/json.hpp"
#include "store/store.h"
#include "tail/batch_prefetcher.h"
#include "tail/fetch_error_counts.h"
#include "tail/held_findings.h"
#include "tail/log_health.h"
#include "tail/paced_fetcher.h"
#include "tail/start_at.h"
#include "tail/stored_issuer_certificates.h"
#include "tail/tree_head_ledger.h"
#include "tail/witness_cosignatures.h"
#include "tail/witness_views.h"

namespace caawatch::tail {

struct LogWorkerOptions {
  absl::Duration poll_interval = absl::Seconds(1);
  absl::Duration max_backoff = absl::Minutes(5);
  // The wait before another try after a failure doubles, from poll_interval up to max_backoff
  // and at most this many poll intervals: a log that comes back after a long outage is seen
  // within a few intervals (each try already retries its requests, PacingOptions).
  int max_backoff_polls = 4;
  // No success for this long makes the log `stale` (LogHealth, `caawatch status`).
  absl::Duration stale_after = absl::Seconds(10);
  size_t batch_size = 1000;
  // Batches fetched ahead of the one being matched and committed (BatchPrefetcher). One is as
  // fast as two in tail_bench and holds less memory (a batch is up to max_in_flight requests).
  size_t prefetch_batches = 1;
  StartAt start_at;
  // A head older than the log's MMD plus this (clock skew, polling delay) is a `stale`
  // log_misbehaviour finding (ctlog::CheckTreeHeadAge).
  absl::Duration mmd_tolerance = absl::Minutes(10);
  PacingOptions pacing;  // Applied when LogWorkerDeps::pacing_clock is set.
  // Findings held while their entries are not yet proven in a signed tree (a long catch-up to a
  // far head verifies its root only at the end). Reaching this many, the worker proves the
  // entries read so far with one consistency proof to the head and commits them: held memory
  // (a finding and its certificate, a few KiB) stays bounded.
  size_t max_held_findings = 4096;
  // The same, in bytes of held findings and certificates: a busy subtree's findings carry ~45 KiB
  // of CAA evidence each, so 4096 of them held 180 MiB (bench/README.md). One consistency proof
  // per 16 MiB costs a request per ~400 such findings.
  size_t max_held_bytes = size_t{16} << 20;
  // The witnesses whose cosignatures on this log's checkpoints are checked and recorded, and
  // the quorum a head needs before it is tailed to (tail/witness_cosignatures.h). A head short
  // of it waits: the worker stays at the newest head that met it.
  ctlog::WitnessPolicy witnesses;
  // How often each of those witnesses that has a URL is asked for its latest checkpoint of the
  // log, checked against the verified tree (tail/witness_views.h).
  absl::Duration witness_check_interval = absl::Minutes(10);
};

// Everything a worker uses but does not own; all must outlive it.
struct LogWorkerDeps {
  store::Store* store = nullptr;
  judge::IssuanceEvaluator* evaluator = nullptr;
  const judge::WatchSource* watches = nullptr;
  judge::AlertHub* alerts = nullptr;
  const Clock* clock = nullptr;
  const Logger* logger = nullptr;
  // The clock that paces requests (PacedFetcher); null = requests are not paced or retried here.
  const Clock* pacing_clock = nullptr;
};

class LogWorker {
 public:
  // `fetcher` carries every request to this log (one connection pool per log), paced and
  // retried (PacedFetcher) when deps.pacing_clock is set.
  LogWorker(ctlog::LogInfo log, std::unique_ptr<ctlog::HttpFetcher> fetcher, LogWorkerDeps deps,
            LogWorkerOptions options);

  // Processes every entry up to the tree size of a freshly fetched STH (or `target_size` if
  // smaller and non-zero). A watched entry's finding is committed (and alerted) only with the
  // proof that the entry is in that signed head; an entry that is not (the entries do not hash
  // to its root) is evidence in the kDataLoss finding below, never a certificate finding. Every
  // head is kept in the store and audited (TreeHeadLedger); a head
  // older than the MMD allows is recorded as a `stale` finding without stopping the tailing.
  // OK: caught up. kUnavailable: transient, retry later. kDataLoss: the log misbehaved; the
  // evidence (ctlog::Misbehaviour: both heads, the proof) is committed as a finding, once per
  // event, and the position did not advance past unverified data. kFailedPrecondition: the
  // store is unusable.
  // Every outcome but a stop is reported to health().
  [[nodiscard]] absl::Status CatchUp(const absl::Notification& stop, uint64_t target_size = 0);

  // CatchUp, then poll every poll_interval of deps.clock (backing off on log and network
  // errors) until `stop` or until the log is finished (Finish()): OK. Returns early with
  // kFailedPrecondition when the store cannot be written (full disk, read-only directory):
  // retrying cannot help and tailing further would outrun it.
  [[nodiscard]] absl::Status Run(const absl::Notification& stop);

  // The log stopped growing (read-only or retired in the log list): tail it up to `final_size`,
  // or, when 0, up to the tree size of the next head fetched, then Run() returns. Thread-safe.
  void Finish(uint64_t final_size);
  // Finish() was called and every entry up to the final size is verified. Thread-safe.
  bool finished() const;

  const ctlog::LogInfo& log() const { return log_; }
  // Tree size of the latest STH seen, 0 before the first.
  uint64_t latest_tree_size() const { return latest_tree_size_; }
  // How it fares: thread-safe.
  const LogHealth& health() const { return health_; }
  // Entries read and committed since the worker was built (for a summary). Thread-safe.
  uint64_t entries_read() const { return committed_position_ - first_position_; }
  // The committed position (0 before the worker first started): thread-safe.
  uint64_t position() const { return committed_position_; }
  // Failed requests to the log since the start, by kind (counted when requests are paced).
  const FetchErrorCounts& fetch_errors() const { return fetch_errors_; }

 private:
  absl::Status EnsureStarted();
  absl::Status CatchUpOnce(const absl::Notification& stop, uint64_t target_size);
  absl::StatusOr<ctlog::TailerState> StartState();
  // One pass of CatchUp towards `target`; sets *again when it stopped early to prove and commit
  // the findings it held (max_held_findings) and the rest is still to be read.
  absl::Status TailTo(const absl::Notification& stop, const ctlog::SignedTreeHead& target,
                      uint64_t target_size, bool* again);
  // Matches and evaluates `batch`, adding the findings to `held` (not committed).
  absl::Status JudgeBatch(const ctlog::LogTailer::Batch& batch, HeldFindings* held);
  // Commits the findings of `held` (proven by now) with the tailer state `state_after`; `sync`:
  // see store::CommitRequest::sync.
  absl::Status Commit(HeldFindings* held, const ctlog::TailerState& state_after,
                      const ctlog::SignedTreeHead& sth, bool sync);
  // Proves the entries of `state` (the state after the last batch judged, below target) with a
  // consistency proof from its tree to `target`, then commits `held` with it. kDataLoss with
  // evidence when the proof does not verify.
  absl::Status ProveAndCommit(const ctlog::TailerState& state, const ctlog::SignedTreeHead& target,
                              HeldFindings* held);
  // The kRootMismatch evidence for a batch that completed `target` and did not match its root.
  absl::Status RootMismatch(const ctlog::SignedTreeHead& target,
                            const PrefetchedBatch& fetched) const;
  // `unproven`: the entries whose findings were not kept because of it (HeldFindings); `state`:
  // the log state to record with it (null: the tailer's).
  absl::Status RecordMisbehaviour(const absl::Status& evidence,
                                  const nlohmann::json& unproven = nlohmann::json(),
                                  const ctlog::TailerState* state = nullptr);
  // Records DataLoss as misbehaviour, keeps other errors as last_error_; returns `status`.
  absl::Status Fail(const absl::Status& status, const nlohmann::json& unproven = nlohmann::json(),
                    const ctlog::TailerState* state = nullptr);
  absl::Status CheckAge(const ctlog::SignedTreeHead& head);
  absl::Status AuditPendingHeads();
  absl::StatusOr<bool> CheckCosignatures(const ctlog::SignedTreeHead& head);
  // The witnesses' views of the log, when due; a split view is recorded, tailing goes on.
  absl::Status CheckWitnessViews();
  store::LogStateRecord StateRecord(const ctlog::TailerState& state,
                                    const ctlog::SignedTreeHead* sth) const;
  void Log(LogLevel level, absl::string_view message) const;
  // While far behind `target_size`: every so often, where it is, how fast it reads and the
  // request rate it is held to (so that a slow catch-up says why).
  void LogProgress(uint64_t position, uint64_t target_size);
  // The request rate this log is held to: "10", or "unlimited".
  std::string RateLimitText() const;

  const ctlog::LogInfo log_;
  const std::string log_id_;  // Raw 32 bytes.
  std::unique_ptr<ctlog::HttpFetcher> fetcher_;
  LogWorkerDeps deps_;
  LogWorkerOptions options_;
  std::unique_ptr<ctlog::LogTailer> tailer_;  // Created by EnsureStarted().
  TreeHeadLedger ledger_;
  std::optional<WitnessCosignatures> cosignatures_;  // Set when witnesses are configured.
  std::optional<WitnessViews> views_;                // Set when a witness has a URL.
  StoredIssuerCertificates issuer_certificates_;     // Tiled logs' issuers, kept across restarts.
  ctlog::SignedTreeHead newest_sth_;           // By timestamp: the one the MMD rule applies to.
  std::atomic<uint64_t> latest_tree_size_{0};  // Read by the progress display too.
  ctlog::SignedTreeHead latest_sth_;
  std::string last_error_;
  absl::Time last_position_sync_ = absl::InfinitePast();
  std::atomic<bool> finishing_{false};
  std::atomic<uint64_t> final_size_{0};     // 0 with finishing_: the next head's size.
  std::atomic<uint64_t> verified_size_{0};  // Mirror of the tailer's, for finished().
  // Where the first start resumed, and the committed position: entries_read().
  std::atomic<uint64_t> first_position_{0};
  std::atomic<uint64_t> committed_position_{0};
  bool started_once_ = false;
  std::string last_retry_warning_;  // Run(): the error of the current streak, "" when none.
  // The catch-up progress line (every kProgressInterval while behind): when and where the
  // last one was.
  absl::Time progress_at_ = absl::InfinitePast();
  uint64_t progress_position_ = 0;
  FetchErrorCounts fetch_errors_;
  LogHealth health_;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_LOG_WORKER_H_
