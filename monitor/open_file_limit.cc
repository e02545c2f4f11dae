#include "monitor/open_file_limit.h"

#include <sys/resource.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "store/database.h"

namespace caawatch::monitor {

uint64_t OpenFilesNeeded(uint64_t tailed_logs, uint64_t max_subscribers) {
  return uint64_t{store::kMaxOpenTableFiles} + max_subscribers + tailed_logs * kFilesPerLog +
         kFilesBesides;
}

std::string OpenFileLimit::Describe() const {
  if (!enough()) {
    return absl::StrCat("the open-file limit (", hard, ", hard) is below the ", needed,
                        " files this configuration may hold open (grpc_max_subscribers, the "
                        "logs' connections, the store): raise it (LimitNOFILE= in the systemd "
                        "unit, `ulimit -Hn` in a shell) or lower grpc_max_subscribers");
  }
  if (soft != soft_before) {
    return absl::StrCat("open-file limit raised from ", soft_before, " to ", soft, " (hard ", hard,
                        ")");
  }
  return absl::StrCat("open-file limit ", soft, " covers the ", needed,
                      " files this configuration may need");
}

absl::StatusOr<OpenFileLimit> RaiseOpenFileLimit(uint64_t needed) {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0) {
    return absl::InternalError(absl::StrCat("getrlimit(RLIMIT_NOFILE): ", std::strerror(errno)));
  }
  OpenFileLimit result;
  result.needed = needed;
  result.soft_before = limit.rlim_cur;
  result.hard = limit.rlim_max;
  if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < needed) {
    limit.rlim_cur =
        limit.rlim_max == RLIM_INFINITY ? needed : std::min<rlim_t>(needed, limit.rlim_max);
    if (setrlimit(RLIMIT_NOFILE, &limit) != 0) {
      return absl::InternalError(
          absl::StrCat("setrlimit(RLIMIT_NOFILE, ", limit.rlim_cur, "): ", std::strerror(errno)));
    }
  }
  result.soft = limit.rlim_cur;
  return result;
}

}  // namespace caawatch::monitor
