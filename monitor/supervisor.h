// Runs the monitor: opens the store, builds the CAA and CT parts from the configuration, starts
// one thread per log, the CAA poller and the gRPC server, and stops them all on request.
// Owns every thread it starts; all are joined before Run() returns.
#ifndef CAAWATCH_MONITOR_SUPERVISOR_H_
#define CAAWATCH_MONITOR_SUPERVISOR_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "monitor/config.h"
#include "monitor/watchlist.h"

namespace caawatch::monitor {

class SupervisorParts;  // Everything built from the configuration (supervisor.cc).
struct RunningLog;      // A worker on its thread (supervisor.cc).

class Supervisor {
 public:
  // Builds everything `config` describes; kInvalidArgument for bad configuration (unreadable
  // log list, bad DNS server...), kFailedPrecondition for an unusable store. `clock` and
  // `logger` are borrowed.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Supervisor>> Create(
      const MonitorConfig& config, std::vector<WatchItem> static_watches, const Clock* clock,
      const Logger* logger);
  ~Supervisor();

  // Processes every log up to the tree size it has when this starts, then returns. Transient
  // errors are retried a few times; a log that stays unreachable makes the result kUnavailable
  // (the others are still processed). No gRPC server is started.
  [[nodiscard]] absl::Status RunOnce(const absl::Notification& stop);
  // Tails until `stop` is notified, serving gRPC, then commits and returns. A log list given as
  // a URL is fetched again every log_list_refresh_interval (If-None-Match): logs that appear
  // are tailed, logs that become read-only or retired are finished up to their final size,
  // logs that leave the list or are rejected stop; no restart needed.
  [[nodiscard]] absl::Status Run(const absl::Notification& stop);

 private:
  explicit Supervisor(std::unique_ptr<SupervisorParts> parts);
  absl::Status ObserveWatchedNames();
  void PollCaa(const absl::Notification& stop);
  void StartLog(RunningLog* log);
  void RefreshLogList(std::map<std::string, std::unique_ptr<RunningLog>>* running);

  std::unique_ptr<SupervisorParts> parts_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_SUPERVISOR_H_
