// What the Supervisor's main loop tells the service manager (monitor/service_manager.h), and
// when: STATUS= when the state changes, READY=1 once, WATCHDOG=1 every watchdog interval while
// the loop turns (a loop that is stuck stops sending, so the manager restarts the monitor),
// EXTEND_TIMEOUT_USEC= while starting (a first CAA poll of millions of names may outlast the
// unit's TimeoutStartSec=, and is progress as long as the loop turns), STOPPING=1 when the loop
// ends. Without a manager every call does nothing. Not thread-safe:
// one loop owns it.
#ifndef CAAWATCH_MONITOR_SERVICE_NOTICES_H_
#define CAAWATCH_MONITOR_SERVICE_NOTICES_H_

#include <string>

#include "absl/time/time.h"
#include "monitor/service_manager.h"

namespace caawatch::monitor {

class ServiceNotices {
 public:
  // `manager` may be null; borrowed.
  explicit ServiceNotices(const ServiceManager* manager) : manager_(manager) {}

  // Sends WATCHDOG=1 when one is due at `now`, and before READY=1 an extension of the start
  // timeout every kStartExtensionPeriod; returns when the next message is due
  // (absl::InfiniteFuture() when none will be), for the loop's next wake-up.
  absl::Time Tick(absl::Time now);
  // Each extension asks for this much more time to start; one is sent every third of it.
  static constexpr absl::Duration kStartExtension = absl::Seconds(90);
  static constexpr absl::Duration kStartExtensionPeriod = absl::Seconds(30);
  // READY=1 with `status`, the first time only.
  void Ready(const std::string& status);
  bool ready() const { return ready_; }
  // STATUS=`status` when it differs from the last one sent.
  void Status(const std::string& status);
  // STOPPING=1.
  void Stopping();

 private:
  const ServiceManager* const manager_;
  bool ready_ = false;
  std::string status_;
  absl::Time next_watchdog_ = absl::InfinitePast();
  absl::Time next_extension_ = absl::InfinitePast();
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_SERVICE_NOTICES_H_
