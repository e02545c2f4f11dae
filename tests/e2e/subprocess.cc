#include "tests/e2e/subprocess.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <sstream>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "notify/child_process.h"

namespace caawatch::testing {
namespace {
std::atomic<int> counter{0};
}  // namespace

std::string ReadFileOrEmpty(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<int64_t> ProcStatusNumber(pid_t pid, absl::string_view key) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/status"));
  for (std::string line; std::getline(in, line);) {
    absl::string_view rest = line;  // "VmRSS:    12345 kB", "Threads:  9"
    if (!absl::ConsumePrefix(&rest, key) || !absl::ConsumePrefix(&rest, ":")) continue;
    rest = absl::StripAsciiWhitespace(rest);
    absl::ConsumeSuffix(&rest, " kB");
    int64_t value = 0;
    if (absl::SimpleAtoi(rest, &value)) return value;
  }
  return std::nullopt;
}

Subprocess::Subprocess(std::vector<std::string> argv, const std::string& log_dir) {
  const int n = counter.fetch_add(1);
  stderr_path_ = absl::StrCat(log_dir, "/proc", n, ".err");
  int pipe_fds[2];
  if (pipe2(pipe_fds, O_CLOEXEC) != 0) return;
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    const int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(pipe_fds[1], STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(pipe_fds[1]);
  stdout_fd_ = pipe_fds[0];
}

Subprocess::~Subprocess() {
  if (running()) {
    // SIGTERM first: a test log stops the nginx it started (a SIGKILL would orphan it).
    kill(pid_, SIGTERM);
    if (!Wait(absl::Seconds(5)).has_value()) {
      kill(pid_, SIGKILL);
      Wait(absl::Seconds(10));
    }
  }
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

std::optional<std::string> Subprocess::ReadLine(absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  while (true) {
    const size_t newline = buffer_.find('\n');
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      return line;
    }
    const int64_t left = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (stdout_fd_ < 0 || left <= 0) return std::nullopt;
    pollfd p{stdout_fd_, POLLIN, 0};
    if (poll(&p, 1, static_cast<int>(left)) <= 0) return std::nullopt;
    char chunk[4096];
    const ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n <= 0) return std::nullopt;  // EOF: the child closed stdout.
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

bool Subprocess::running() {
  if (exit_code_ || pid_ <= 0) return false;
  int status = 0;
  const pid_t r = waitpid(pid_, &status, WNOHANG);
  if (r == pid_) {
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return false;
  }
  return r == 0;
}

std::optional<int> Subprocess::Wait(absl::Duration timeout) {
  if (!running()) return exit_code_;
  // A pidfd becomes readable when the child exits: wait on that event, not on a timer.
  const int fd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  if (fd >= 0) {
    pollfd p{fd, POLLIN, 0};
    poll(&p, 1, static_cast<int>(absl::ToInt64Milliseconds(timeout)));
    close(fd);
  }
  running();
  return exit_code_;
}

void Subprocess::Signal(int signo) {
  if (running()) kill(pid_, signo);
}

std::string Subprocess::Stdout() {
  char chunk[4096];
  while (stdout_fd_ >= 0) {
    const ssize_t n = read(stdout_fd_, chunk, sizeof(chunk));
    if (n <= 0) break;
    buffer_.append(chunk, static_cast<size_t>(n));
  }
  std::string out = std::move(buffer_);
  buffer_.clear();
  return out;
}
std::string Subprocess::Stderr() const { return ReadFileOrEmpty(stderr_path_); }

CommandResult RunCommand(std::vector<std::string> argv, const std::string& log_dir,
                         absl::Duration timeout) {
  notify::ChildRequest request;
  request.path = argv.empty() ? "" : argv[0];
  request.args.assign(argv.begin() + (argv.empty() ? 0 : 1), argv.end());
  request.timeout = timeout;
  request.max_output_bytes = size_t{64} << 20;  // A test's listing is far smaller.
  request.separate_stderr = true;
  CommandResult result;
  absl::StatusOr<notify::ChildResult> child = notify::RunChild(request);
  if (!child.ok()) {  // Not started: as a shell says it.
    result.exit_code = 127;
    result.err = std::string(child.status().message());
  } else {
    result.exit_code = child->timed_out     ? -1
                       : child->signal != 0 ? 128 + child->signal
                                            : child->exit_code;
    result.out = std::move(child->output);
    result.err = std::move(child->error_output);
  }
  // Kept beside the test's other logs, for a post-mortem of a failed run.
  std::ofstream(absl::StrCat(log_dir, "/run", counter.fetch_add(1), ".err")) << result.err;
  return result;
}

}  // namespace caawatch::testing
