#include "notify/script_sink.h"

#include <dirent.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "notify/child_process.h"
#include "notify/heartbeat.h"
#include "notify/hook_environment.h"

namespace caawatch::notify {

absl::Status ScriptSink::Deliver(const Notification& n, const absl::Notification* cancel) const {
  CAAWATCH_ASSIGN_OR_RETURN(HookEnvironment env, BuildHookEnvironment(n, options_.files_dir));
  CAAWATCH_RETURN_IF_ERROR(WriteHookFiles(env));
  return Run(std::move(env.vars), cancel);
}

absl::Status ScriptSink::DeliverHeartbeat(const Heartbeat& h,
                                          const absl::Notification* cancel) const {
  return Run(HeartbeatEnvironment(h), cancel);
}

absl::Status ScriptSink::Run(std::vector<std::pair<std::string, std::string>> env,
                             const absl::Notification* cancel) const {
  ChildRequest request;
  request.path = options_.path;
  request.env = std::move(env);
  request.timeout = options_.timeout;
  request.max_output_bytes = options_.max_output_bytes;
  request.cancel = cancel;
  CAAWATCH_ASSIGN_OR_RETURN(ChildResult result, RunChild(request));
  if (!result.timed_out && result.signal == 0 && result.exit_code == 0) return absl::OkStatus();
  const std::string message = absl::StrCat("script ", QuoteInput(options_.path), " ",
                                           DescribeFailure(result, options_.timeout));
  return result.timed_out ? absl::DeadlineExceededError(message) : absl::UnavailableError(message);
}

absl::StatusOr<std::vector<std::string>> HooksInDirectory(const std::string& dir) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return std::vector<std::string>{};
    return absl::UnavailableError(
        absl::StrCat("cannot read hooks directory ", QuoteInput(dir), ": ", std::strerror(errno)));
  }
  std::vector<std::string> hooks;
  while (const struct dirent* e = ::readdir(d)) {
    const std::string name = e->d_name;
    if (name.empty() || name[0] == '.') continue;
    const std::string path = dir + "/" + name;
    struct stat st;
    if (::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111) != 0) {
      hooks.push_back(path);
    }
  }
  ::closedir(d);
  std::sort(hooks.begin(), hooks.end());
  return hooks;
}

}  // namespace caawatch::notify
