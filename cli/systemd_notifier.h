// monitor::ServiceManager over libsystemd's sd_notify(3): what `caawatch run` tells systemd
// when its unit says Type=notify (NOTIFY_SOCKET is set) and WatchdogSec= (WATCHDOG_USEC).
// Without NOTIFY_SOCKET nothing is sent.
#ifndef CAAWATCH_CLI_SYSTEMD_NOTIFIER_H_
#define CAAWATCH_CLI_SYSTEMD_NOTIFIER_H_

#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "monitor/service_manager.h"

namespace caawatch::cli {

class SystemdNotifier : public monitor::ServiceManager {
 public:
  // Reads WATCHDOG_USEC (and WATCHDOG_PID, which must be this process when set) once.
  SystemdNotifier();
  void Notify(absl::string_view state) const override;
  absl::Duration watchdog_interval() const override { return watchdog_interval_; }

 private:
  absl::Duration watchdog_interval_ = absl::InfiniteDuration();
};

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_SYSTEMD_NOTIFIER_H_
