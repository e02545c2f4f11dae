// The script sink (`--script PATH`, each executable of the hooks directory): runs one program
// per notification with certspotter-script(8)'s environment (hook_environment.h).
#ifndef CAAWATCH_NOTIFY_SCRIPT_SINK_H_
#define CAAWATCH_NOTIFY_SCRIPT_SINK_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "notify/heartbeat.h"
#include "notify/notification.h"

namespace caawatch::notify {

struct ScriptSinkOptions {
  std::string path = {};                      // The executable.
  std::string files_dir = {};                 // Where CERT_FILENAME and the others are written.
  absl::Duration timeout = absl::Minutes(1);  // Then its whole process group is killed.
  size_t max_output_bytes = 4096;             // Of its output kept for the error message.
};

class ScriptSink {
 public:
  explicit ScriptSink(ScriptSinkOptions options) : options_(std::move(options)) {}

  // Writes the notification's files and runs the script with the caller's environment plus
  // the hook variables. OK when it exits 0. Exit status != 0, a signal or the timeout is
  // kUnavailable / kDeadlineExceeded (retryable, delivery_status.h), with the script's output
  // (escaped, cut) in the message; a path that is not an executable file is
  // kFailedPrecondition.
  // A notified `cancel` kills the script's group at once (kUnavailable: delivered again later).
  absl::Status Deliver(const Notification& n, const absl::Notification* cancel = nullptr) const;
  // The heartbeat (heartbeat.h's environment, no files); errors as Deliver.
  absl::Status DeliverHeartbeat(const Heartbeat& h,
                                const absl::Notification* cancel = nullptr) const;

  const std::string& path() const { return options_.path; }

 private:
  absl::Status Run(std::vector<std::pair<std::string, std::string>> env,
                   const absl::Notification* cancel) const;
  ScriptSinkOptions options_;
};

// Every hook in `dir` the way certspotter runs hooks.d: regular executable files (symlinks
// followed) whose names do not start with '.', sorted by name. A missing directory has none;
// another error reading it is kUnavailable.
absl::StatusOr<std::vector<std::string>> HooksInDirectory(const std::string& dir);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_SCRIPT_SINK_H_
