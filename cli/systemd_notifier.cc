#include "cli/systemd_notifier.h"

#include <systemd/sd-daemon.h>

#include <cstdint>
#include <string>

namespace caawatch::cli {

SystemdNotifier::SystemdNotifier() {
  uint64_t usec = 0;
  // The environment stays set (unset_environment 0): sd_notify reads NOTIFY_SOCKET each call.
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) {
    // Half the timeout, as sd_watchdog_enabled(3) advises: one late turn is not a restart.
    watchdog_interval_ = absl::Microseconds(usec) / 2;
  }
}

void SystemdNotifier::Notify(absl::string_view state) const {
  // A negative result (no such socket, a full queue) changes nothing the monitor does.
  (void)sd_notify(0, std::string(state).c_str());
}

}  // namespace caawatch::cli
