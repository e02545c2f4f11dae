// Runs one external program to completion: in a process group of its own, with a given
// environment and stdin, a timeout after which the whole group is killed, and a bounded capture
// of what it writes. The sinks run hook scripts and sendmail with it (stdout and stderr together,
// for the error message); the end-to-end tests run the built program with it (kept apart).
#ifndef CAAWATCH_NOTIFY_CHILD_PROCESS_H_
#define CAAWATCH_NOTIFY_CHILD_PROCESS_H_

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

namespace caawatch::notify {

struct ChildRequest {
  std::string path;               // Executed as is (no PATH search, no shell).
  std::vector<std::string> args;  // argv[1..].
  // The environment: the caller's own when `inherit_environment`, with `env` added (a name
  // given in `env` replaces the inherited value).
  bool inherit_environment = true;
  std::vector<std::pair<std::string, std::string>> env;
  std::string stdin_data;  // Written to the child's stdin, then closed.
  absl::Duration timeout = absl::Seconds(30);
  // Of stdout and stderr together, or of each when `separate_stderr`; the rest is read and
  // dropped.
  size_t max_output_bytes = 4096;
  // Stderr captured into ChildResult::error_output instead of interleaved into `output`.
  bool separate_stderr = false;
  // When notified (the monitor stops), the group is killed as at the timeout, within ~20 ms.
  const absl::Notification* cancel = nullptr;
};

struct ChildResult {
  bool timed_out = false;     // The group was killed (SIGKILL) at the timeout.
  bool cancelled = false;     // The group was killed (SIGKILL) because `cancel` was notified.
  int exit_code = -1;         // When it exited; -1 when killed by a signal.
  int signal = 0;             // The signal that ended it, if any.
  std::string output;         // The first max_output_bytes of stdout + stderr (or stdout alone).
  std::string error_output;   // With `separate_stderr`: the first max_output_bytes of stderr.
  size_t output_dropped = 0;  // Bytes read and not kept, of both streams.
};

// Runs `request` to completion or its timeout. The child is the leader of a new process group;
// at the timeout every process of that group is killed, so a script's own children (a `sleep`,
// a pipeline) go with it. The output is read until the child itself exits: a background child
// that keeps stdout open does not hold the sink. Errors (the program cannot be started) are
// kUnavailable, except a path that is not an executable regular file: kFailedPrecondition.
absl::StatusOr<ChildResult> RunChild(const ChildRequest& request);

// "exited with status 3: <output>", "killed by signal 9", "timed out after 5s (process group
// killed)": a ChildResult as an error message, its output escaped and cut (QuoteInput).
std::string DescribeFailure(const ChildResult& result, absl::Duration timeout);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_CHILD_PROCESS_H_
