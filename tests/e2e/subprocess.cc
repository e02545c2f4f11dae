#include "tests/e2e/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <poll.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

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

Subprocess::Subprocess(std::vector<std::string> argv, const std::string& log_dir) {
  const int n = counter.fetch_add(1);
  stdout_path_ = absl::StrCat(log_dir, "/proc", n, ".out");
  stderr_path_ = absl::StrCat(log_dir, "/proc", n, ".err");
  std::vector<char*> args;
  for (std::string& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  pid_ = fork();
  if (pid_ == 0) {
    const int out = open(stdout_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(out, STDOUT_FILENO);
    dup2(err, STDERR_FILENO);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

Subprocess::~Subprocess() {
  if (running()) {
    kill(pid_, SIGKILL);
    Wait(absl::Seconds(10));
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

std::string Subprocess::Stdout() const { return ReadFileOrEmpty(stdout_path_); }
std::string Subprocess::Stderr() const { return ReadFileOrEmpty(stderr_path_); }

CommandResult RunCommand(std::vector<std::string> argv, const std::string& log_dir,
                         absl::Duration timeout) {
  Subprocess p(std::move(argv), log_dir);
  CommandResult result;
  std::optional<int> code = p.Wait(timeout);
  result.exit_code = code ? *code : -1;
  result.out = p.Stdout();
  result.err = p.Stderr();
  return result;
}

}  // namespace caawatch::testing
