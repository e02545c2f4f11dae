#include "notify/child_process.h"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <string>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

extern char** environ;

namespace caawatch::notify {
namespace {

void CloseFd(int& fd) {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// The environment block: inherited entries not overridden, then the request's own.
std::vector<std::string> BuildEnv(const ChildRequest& r) {
  absl::flat_hash_set<std::string> names;
  for (const auto& [name, value] : r.env) names.insert(name);
  std::vector<std::string> out;
  if (r.inherit_environment) {
    for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
      const std::string entry(*e);
      const size_t eq = entry.find('=');
      if (eq != std::string::npos && names.contains(entry.substr(0, eq))) continue;
      out.push_back(entry);
    }
  }
  for (const auto& [name, value] : r.env) out.push_back(name + "=" + value);
  return out;
}

// write(2) to a pipe whose reader is gone raises SIGPIPE, which would end caawatch: the signal
// is blocked in this thread for the write and a pending one consumed, so the write just fails
// with EPIPE (the process-wide disposition is left alone).
ssize_t WriteWithoutSigpipe(int fd, const char* data, size_t size) {
  sigset_t pipe_set, old_set;
  sigemptyset(&pipe_set);
  sigaddset(&pipe_set, SIGPIPE);
  sigset_t pending;
  sigpending(&pending);
  const bool was_pending = sigismember(&pending, SIGPIPE) == 1;
  pthread_sigmask(SIG_BLOCK, &pipe_set, &old_set);
  const ssize_t w = ::write(fd, data, size);
  const int err = errno;
  if (w < 0 && err == EPIPE && !was_pending) {
    const struct timespec zero = {0, 0};
    while (sigtimedwait(&pipe_set, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old_set, nullptr);
  errno = err;
  return w;
}

// Reads what `fd` (non-blocking) has now into `into`, up to `limit` bytes kept; closes it at EOF.
// Returns the bytes read, so that the caller can bound a drain that never ends.
size_t ReadAvailable(int& fd, size_t limit, std::string& into, size_t& dropped) {
  char buf[4096];
  size_t total = 0;
  while (fd >= 0) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r > 0) {
      const size_t keep = std::min(static_cast<size_t>(r), limit - std::min(limit, into.size()));
      into.append(buf, keep);
      dropped += static_cast<size_t>(r) - keep;
      total += static_cast<size_t>(r);
      if (total > (1u << 20)) break;  // Let the caller look at the clock and the child.
      continue;
    }
    if (r == 0) CloseFd(fd);
    break;
  }
  return total;
}

}  // namespace

absl::StatusOr<ChildResult> RunChild(const ChildRequest& request) {
  struct stat st;
  if (::stat(request.path.c_str(), &st) != 0 || !S_ISREG(st.st_mode) ||
      ::access(request.path.c_str(), X_OK) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat(QuoteInput(request.path), " is not an executable file"));
  }
  // Everything the child needs is built before fork: after it, only async-signal-safe calls.
  std::vector<std::string> env_strings = BuildEnv(request);
  std::vector<char*> envp;
  for (auto& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> arg_strings = {request.path};
  arg_strings.insert(arg_strings.end(), request.args.begin(), request.args.end());
  std::vector<char*> argv;
  for (auto& s : arg_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int in_pipe[2] = {-1, -1}, out_pipe[2] = {-1, -1}, err_pipe[2] = {-1, -1};
  const auto close_all = [&] {
    for (int* p : {in_pipe, out_pipe, err_pipe}) {
      CloseFd(p[0]);
      CloseFd(p[1]);
    }
  };
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0 ||
      (request.separate_stderr && ::pipe2(err_pipe, O_CLOEXEC) != 0)) {
    const int err = errno;
    close_all();
    return absl::UnavailableError(absl::StrCat("pipe: ", std::strerror(err)));
  }
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int err = errno;
    close_all();
    return absl::UnavailableError(absl::StrCat("fork: ", std::strerror(err)));
  }
  if (pid == 0) {
    ::setpgid(0, 0);
    // The script starts as from a shell: default dispositions, nothing blocked (the monitor
    // blocks SIGTERM and SIGINT in its threads to wait for them).
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    ::signal(SIGPIPE, SIG_DFL);
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    ::dup2(request.separate_stderr ? err_pipe[1] : out_pipe[1], 2);
    ::execve(argv[0], argv.data(), envp.data());
    ::_exit(127);
  }
  // Also set in the parent, so that the group exists before any kill below (no race with the
  // child's own setpgid).
  ::setpgid(pid, pid);
  int stdin_fd = in_pipe[1], out_fd = out_pipe[0], err_fd = err_pipe[0];
  in_pipe[1] = out_pipe[0] = err_pipe[0] = -1;
  close_all();  // The child's ends.
  ::fcntl(stdin_fd, F_SETFL, O_NONBLOCK);
  ::fcntl(out_fd, F_SETFL, O_NONBLOCK);
  if (err_fd >= 0) ::fcntl(err_fd, F_SETFL, O_NONBLOCK);
  if (request.stdin_data.empty()) CloseFd(stdin_fd);

  // A monotonic deadline: the timeout of a real process is real time, not the monitor's Clock.
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(absl::ToInt64Milliseconds(request.timeout));
  ChildResult result;
  size_t written = 0;
  int status = 0;
  bool exited = false;
  const size_t limit = request.max_output_bytes;
  while (true) {
    const pid_t w = ::waitpid(pid, &status, WNOHANG);
    if (w == pid) {
      exited = true;
      break;
    }
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    if (request.cancel != nullptr && request.cancel->HasBeenNotified()) {
      result.cancelled = true;
      break;
    }
    struct pollfd fds[3];
    int nfds = 0;
    if (out_fd >= 0) fds[nfds++] = {out_fd, POLLIN, 0};
    if (err_fd >= 0) fds[nfds++] = {err_fd, POLLIN, 0};
    if (stdin_fd >= 0) fds[nfds++] = {stdin_fd, POLLOUT, 0};
    // Wake at least every 20 ms to see whether the child exited (its output pipe may stay open
    // in a background grandchild).
    const int wait_ms = static_cast<int>(std::min<int64_t>(
        20, std::chrono::duration_cast<std::chrono::milliseconds>(deadline - now).count() + 1));
    ::poll(fds, nfds, wait_ms);
    ReadAvailable(out_fd, limit, result.output, result.output_dropped);
    ReadAvailable(err_fd, limit, result.error_output, result.output_dropped);
    if (stdin_fd >= 0) {
      const ssize_t w2 = WriteWithoutSigpipe(stdin_fd, request.stdin_data.data() + written,
                                             request.stdin_data.size() - written);
      if (w2 > 0) written += static_cast<size_t>(w2);
      if ((w2 < 0 && errno != EAGAIN && errno != EINTR) || written == request.stdin_data.size()) {
        CloseFd(stdin_fd);  // Done, or the child closed its stdin (EPIPE).
      }
    }
  }
  if (!exited) {
    result.timed_out = !result.cancelled;
    ::kill(-pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  // What the child wrote just before it exited (at most 1 MiB more of each: a grandchild that
  // keeps writing does not hold us).
  ReadAvailable(out_fd, limit, result.output, result.output_dropped);
  ReadAvailable(err_fd, limit, result.error_output, result.output_dropped);
  CloseFd(out_fd);
  CloseFd(err_fd);
  CloseFd(stdin_fd);
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

std::string DescribeFailure(const ChildResult& result, absl::Duration timeout) {
  std::string what;
  if (result.timed_out) {
    what =
        absl::StrCat("timed out after ", absl::FormatDuration(timeout), " (process group killed)");
  } else if (result.cancelled) {
    what = "stopped: caawatch is shutting down (process group killed)";
  } else if (result.signal != 0) {
    what = absl::StrCat("killed by signal ", result.signal);
  } else {
    what = absl::StrCat("exited with status ", result.exit_code);
  }
  if (!result.output.empty()) absl::StrAppend(&what, ": ", QuoteInput(result.output));
  return what;
}

}  // namespace caawatch::notify
