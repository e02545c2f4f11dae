// A child process for end-to-end tests: started with argv, stdout read through a pipe (line by
// line, with deadlines), stderr captured to a file, waited for with a deadline, stopped in the
// destructor if still running (SIGTERM, then SIGKILL after 5 s).
#ifndef CAAWATCH_TESTS_E2E_SUBPROCESS_H_
#define CAAWATCH_TESTS_E2E_SUBPROCESS_H_

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace caawatch::testing {

class Subprocess {
 public:
  // Starts argv[0] (a path) with the arguments; output goes to files under `log_dir`.
  Subprocess(std::vector<std::string> argv, const std::string& log_dir);
  ~Subprocess();
  Subprocess(const Subprocess&) = delete;
  Subprocess& operator=(const Subprocess&) = delete;

  // Exit code once the process ended within `timeout` (signal N -> 128+N), else nullopt.
  std::optional<int> Wait(absl::Duration timeout);
  void Signal(int signo);
  bool running();
  // The next line of stdout (without the newline), or nullopt at EOF or after `timeout`.
  std::optional<std::string> ReadLine(absl::Duration timeout);
  // Everything on stdout not yet returned by ReadLine, up to EOF (call after Wait).
  std::string Stdout();
  std::string Stderr() const;
  pid_t pid() const { return pid_; }

 private:
  pid_t pid_ = -1;
  std::optional<int> exit_code_;
  int stdout_fd_ = -1;
  std::string buffer_;  // Read from stdout, not yet returned.
  std::string stderr_path_;
};

// Runs a command to completion (deadline `timeout`, then its process group is killed) with the
// product's runner (notify::RunChild), and returns {exit code (signal N -> 128+N, timeout -> -1,
// not started -> 127), stdout, stderr}; stderr is also kept in a file under `log_dir`.
struct CommandResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};
CommandResult RunCommand(std::vector<std::string> argv, const std::string& log_dir,
                         absl::Duration timeout = absl::Seconds(120));

// Reads a whole file ("" if missing).
std::string ReadFileOrEmpty(const std::string& path);

// The number on line `key` of /proc/PID/status, e.g. "VmRSS" (in KiB) or "Threads"; nullopt
// if the process is gone or the line is missing.
std::optional<int64_t> ProcStatusNumber(pid_t pid, absl::string_view key);

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_E2E_SUBPROCESS_H_
