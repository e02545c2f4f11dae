// Runs the monitor: builds its Pipeline (store, CAA and CT parts) from the configuration, starts
// one thread per log, the CAA poller and the gRPC server, and stops them all on request.
// Owns every thread it starts; all are joined before Run() returns. Every timer and wait for a
// deadline runs on the Clock given to Create(), so a test's FakeClock steps them.
#ifndef CAAWATCH_MONITOR_SUPERVISOR_H_
#define CAAWATCH_MONITOR_SUPERVISOR_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "monitor/config.h"
#include "monitor/service_manager.h"
#include "watch/watchlist.h"

namespace caawatch::tail {
class LogWorker;
}  // namespace caawatch::tail

namespace caawatch::monitor {

class SupervisorParts;  // The Pipeline, the log list and the poller's state (supervisor.cc).
struct RunningLog;      // A worker on its thread (supervisor.cc).

// What `run --once` did, for its closing summary line and its exit status.
struct RunOnceSummary {
  // Per log (its description), in log list order: entries read and committed by this run.
  std::vector<std::pair<std::string, uint64_t>> entries_read;
  std::map<std::string, uint64_t> findings_by_verdict;   // Findings this run stored.
  std::map<std::string, uint64_t> findings_by_severity;  // "critical", "warning", "info".
};

// Where one log's worker is, for a live display of `run --once`.
struct LogProgress {
  std::string log;         // Its description (its URL if it has none).
  uint64_t position = 0;   // Entries processed and committed.
  uint64_t tree_size = 0;  // The newest tree head's size; 0 before the first.
};

class Supervisor {
 public:
  // Builds everything `config` describes; kInvalidArgument for bad configuration (unreadable
  // log list, bad DNS server...), kFailedPrecondition for an unusable store. `clock` and
  // `logger` are borrowed; every part reads time from `clock` and waits on it.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Supervisor>> Create(
      const MonitorConfig& config, watch::Watchlist static_watches, const Clock* clock,
      const Logger* logger);
  ~Supervisor();

  // Processes every log up to the tree size it has when this starts, then returns. Transient
  // errors are retried a few times; a log that stays unreachable makes the result kUnavailable
  // (the others are still processed). No gRPC server is started. The CAA poll of every
  // watched name runs alongside the logs and is complete when this returns (it is the history
  // the next run judges new certificates against), leaving out the names answered within the
  // poll interval (a run from cron polls when polls are due); it does not have to come first,
  // because every entry processed here was logged before the start, and each one that hits the
  // watchlist has the CAA of its names looked up before it is evaluated (IssuanceEvaluator).
  // A store error during the poll makes the result that error.
  // `summary` (may be null) is filled in even when the result is an error.
  [[nodiscard]] absl::Status RunOnce(const absl::Notification& stop,
                                     RunOnceSummary* summary = nullptr);
  // Tails until `stop` is notified, serving gRPC, then commits and returns OK. Watch changes
  // made through gRPC (AddWatch/RemoveWatch) apply to the next batch of every log, and the CAA
  // path of an added name is looked up within moments. A log list given as a URL is fetched
  // again every log_list_refresh_interval (If-None-Match): logs that appear are tailed, logs
  // that become read-only or retired are finished up to their final size, logs that leave the
  // list or are rejected stop; no restart needed. When the store cannot be written (full disk,
  // read-only directory) every log stops and the store's error is returned: nothing past the
  // last commit was acknowledged, so a restart loses nothing.
  // The gRPC health service (grpc.health.v1) answers for "" and "caawatch.v1.Monitor":
  // NOT_SERVING while every log is stale (tail::LogHealth) or the latest CAA poll got no
  // answer for any name (the names are then asked again every minute), SERVING otherwise;
  // each change is logged.
  // `manager` (may be null) hears, over systemd's notify protocol: STATUS= with the state;
  // READY=1 once the first CAA poll is done and every log has been asked for its tree head once
  // (answered, or failed: a log that is down is said by `status` and the health service and
  // does not hold the start back); WATCHDOG=1 every manager->watchdog_interval() from this
  // loop, so a loop that is stuck stops it; STOPPING=1 when the loop ends.
  [[nodiscard]] absl::Status Run(const absl::Notification& stop,
                                 const ServiceManager* manager = nullptr);
  // Puts `static_watches` in place of the static entries (`caawatch run` reloading its
  // watchlist file and configuration on SIGHUP): as for AddWatch, the next batch of every log
  // uses the new list and the CAA of added names is looked up at once. A store error is logged
  // and returned. Thread-safe.
  absl::Status ReplaceStaticWatches(watch::Watchlist static_watches);
  // Each log's position and tree size, in log list order, from any thread while RunOnce runs
  // (not while Run runs: it takes the workers over).
  std::vector<LogProgress> Progress() const;

 private:
  explicit Supervisor(std::unique_ptr<SupervisorParts> parts);
  // Looks up the CAA path of every watched name (PollWatchlistCaa), skipping the names already on
  // the search paths of `already_observed` (may be null) and those answered within the poll
  // interval (the store's poll ledger), until `stop` says so. Returns how long until the next
  // full poll is due: one interval after the oldest answer it skipped, else one interval.
  // The first poll, and one that got no answer at all, log a one-line summary (names
  // answered, failed, why); the outcome decides the CAA half of the health (caa_unanswered_).
  absl::StatusOr<absl::Duration> ObserveWatchedNames(const watch::Watchlist* already_observed,
                                                     std::function<bool()> stop);
  // Why the monitor cannot do its job now ("" when it can), for the gRPC health service:
  // every log of `workers` stale, or CAA unanswered.
  std::string Blindness(const std::vector<const tail::LogWorker*>& workers) const;
  // After AddWatch/RemoveWatch: reloads the watchlist and wakes PollCaa for the new names. A
  // store error is logged and returned, for the gRPC caller to see the change is not in force.
  absl::Status WatchesChanged();
  // Polls CAA of every watched name at once, then notifies initial_poll_done_, then polls each
  // caa_poll_interval, and added names at once, until Run() sets `stopping`.
  void PollCaa();
  // Notifies `halt` once, with the reason when it is an error.
  void Halt(absl::Status reason);

  absl::Mutex halt_mu_;
  absl::Notification halt_;
  absl::Notification initial_poll_done_;  // PollCaa's first full poll ended (or was stopped).
  absl::Status halt_reason_ ABSL_GUARDED_BY(halt_mu_);
  // Re-evaluation of findings on late data; failures are logged and retried at the next call.
  void ReevaluateUnknownIssuers();     // After the CA map changed (or may have, at start).
  void ReevaluateOnNewObservations();  // After CAA answers changed.
  // Runs `log`'s worker on its own thread; a store error halts every log.
  void StartLog(RunningLog* log);
  void RefreshLogList(std::map<std::string, std::unique_ptr<RunningLog>>* running);

  std::unique_ptr<SupervisorParts> parts_;
  // The latest CAA poll looked names up and none got an answer; the first poll not yet logged.
  std::atomic<bool> caa_unanswered_{false};
  std::atomic<bool> first_poll_logged_{false};
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_SUPERVISOR_H_
