// Runs a Supervisor on its own thread for a test, and stops and joins it when the test ends,
// also when an assertion returns early (a joinable std::thread would terminate the program).
#ifndef CAAWATCH_TESTS_MONITOR_RUNNING_SUPERVISOR_H_
#define CAAWATCH_TESTS_MONITOR_RUNNING_SUPERVISOR_H_

#include <thread>

#include "absl/status/status.h"
#include "absl/synchronization/notification.h"
#include "monitor/supervisor.h"

namespace caawatch::monitor {

class RunningSupervisor {
 public:
  // Starts supervisor->Run(); `supervisor` must outlive this.
  explicit RunningSupervisor(Supervisor* supervisor)
      : thread_([this, supervisor] { status_ = supervisor->Run(stop_); }) {}
  ~RunningSupervisor() { Stop().IgnoreError(); }
  RunningSupervisor(const RunningSupervisor&) = delete;
  RunningSupervisor& operator=(const RunningSupervisor&) = delete;

  // Stops the run and returns what Run() returned.
  absl::Status Stop() {
    if (thread_.joinable()) {
      stop_.Notify();
      thread_.join();
    }
    return status_;
  }

 private:
  absl::Notification stop_;
  absl::Status status_;
  std::thread thread_;  // Last: starts once the members it uses exist.
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_TESTS_MONITOR_RUNNING_SUPERVISOR_H_
