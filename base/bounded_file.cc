#include "base/bounded_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"

namespace caawatch {
namespace {

// Closes the descriptor it was born with.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

}  // namespace

std::string FormatByteCount(size_t bytes) {
  if (bytes >= (size_t{1} << 20) && bytes % (size_t{1} << 20) == 0) {
    return absl::StrCat(bytes >> 20, " MiB");
  }
  if (bytes >= 1024 && bytes % 1024 == 0) return absl::StrCat(bytes >> 10, " KiB");
  return absl::StrCat(bytes, " bytes");
}

absl::StatusOr<std::string> ReadBoundedFile(absl::string_view path, size_t max_bytes,
                                            absl::string_view what) {
  const auto fail = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", QuoteInput(path), ": ", why));
  };
  if (path.empty()) return fail("empty path");
  // open(2) stops at the first NUL: "/etc/passwd\0.txt" would open /etc/passwd.
  if (absl::StrContains(path, '\0')) return fail("the path holds a NUL byte");
  // Non-blocking, so that opening a FIFO with no writer returns at once (and is refused below).
  const std::string terminated(path);
  const Fd fd(::open(terminated.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY));
  if (fd.get() < 0) return fail(absl::StrCat("cannot open: ", std::strerror(errno)));
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) return fail(absl::StrCat("cannot stat: ", std::strerror(errno)));
  if (!S_ISREG(st.st_mode)) return fail("not a regular file");
  const auto too_large = [&] {
    return fail(absl::StrCat("larger than ", FormatByteCount(max_bytes), ", the most read"));
  };
  if (static_cast<uint64_t>(st.st_size) > max_bytes) return too_large();
  std::string text;
  // st_size is a hint (a file being written, /proc): read to EOF, but one byte past the cap at
  // most.
  text.resize(std::min(static_cast<size_t>(st.st_size), max_bytes) + 1);
  size_t got = 0;
  while (true) {
    if (got == text.size()) {
      if (got > max_bytes) return too_large();
      text.resize(std::min(max_bytes + 1, std::max(got * 2, size_t{4096})));
    }
    const ssize_t n = ::read(fd.get(), text.data() + got, text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail(absl::StrCat("cannot read: ", std::strerror(errno)));
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got > max_bytes) return too_large();
  text.resize(got);
  return text;
}

}  // namespace caawatch
