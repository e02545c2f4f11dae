#include "cli/data_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_format.h"

namespace caawatch::cli {

std::string PrepareDataDir(const std::string& dir) {
  // mkdir -p: the data directory's parents may not exist on a fresh machine.
  for (size_t pos = dir.find('/', 1); pos != std::string::npos; pos = dir.find('/', pos + 1)) {
    ::mkdir(dir.substr(0, pos).c_str(), 0700);
  }
  ::mkdir(dir.c_str(), 0700);
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return "";
  const mode_t mode = st.st_mode & 07777;
  if ((mode & 077) == 0) return "";
  // The store holds every finding, certificate and CAA observation, and the watchlist: what a
  // user monitors is not for other users of the machine to read.
  const mode_t tight = mode & ~static_cast<mode_t>(077);
  if (st.st_uid == ::geteuid() && ::chmod(dir.c_str(), tight) == 0) {
    return absl::StrFormat(
        "the data directory %s was open to other users (mode %04o): it is now %04o", dir, mode,
        tight);
  }
  return absl::StrFormat(
      "the data directory %s is open to other users (mode %04o) and caawatch could not make it "
      "private (owner uid %d, this user uid %d: %s); its owner can, with chmod go=",
      dir, mode, st.st_uid, ::geteuid(),
      st.st_uid == ::geteuid() ? std::strerror(errno) : "not the owner");
}

}  // namespace caawatch::cli
