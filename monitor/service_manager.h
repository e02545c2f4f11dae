// What `caawatch run` tells the service manager that started it (systemd's sd_notify(3)
// protocol): readiness, liveness (the watchdog), a status line and the start of a stop. The
// Supervisor says when; cli/ implements it over libsystemd, since only cli/ reads the
// environment (NOTIFY_SOCKET, WATCHDOG_USEC).
#ifndef CAAWATCH_MONITOR_SERVICE_MANAGER_H_
#define CAAWATCH_MONITOR_SERVICE_MANAGER_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caawatch::monitor {

class ServiceManager {
 public:
  virtual ~ServiceManager() = default;
  // Sends `state`, newline-separated sd_notify assignments ("READY=1\nSTATUS=tailing").
  // Best effort: a manager that does not listen is not an error of the monitor.
  virtual void Notify(absl::string_view state) const = 0;
  // How often WATCHDOG=1 must be sent: half the manager's watchdog timeout, or
  // absl::InfiniteDuration() when it has none.
  virtual absl::Duration watchdog_interval() const = 0;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_SERVICE_MANAGER_H_
