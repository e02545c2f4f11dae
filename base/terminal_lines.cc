#include "base/terminal_lines.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include "absl/strings/str_cat.h"

namespace caawatch {
namespace {

void WriteAll(int fd, absl::string_view text) {
  while (!text.empty()) {
    const ssize_t n = ::write(fd, text.data(), text.size());
    if (n <= 0) return;  // Nowhere to report a failing terminal.
    text.remove_prefix(static_cast<size_t>(n));
  }
}

}  // namespace

size_t TerminalLines::Width(int fd) {
  winsize size{};
  if (ioctl(fd, TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  return 80;
}

std::string TerminalLines::Erase() const {
  if (drawn_ == 0) return "";
  return absl::StrCat("\r\x1b[", drawn_, "A\x1b[J");
}

std::string TerminalLines::Draw() const {
  std::string out;
  for (const std::string& line : lines_) absl::StrAppend(&out, line, "\n");
  return out;
}

void TerminalLines::Show(std::vector<std::string> lines) {
  const size_t keep = width_ > 1 ? width_ - 1 : 1;
  for (std::string& line : lines) {
    if (line.size() > keep) line.resize(keep);
    for (char& c : line) {
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    }
  }
  absl::MutexLock lock(&mu_);
  const std::string erase = Erase();
  lines_ = std::move(lines);
  WriteAll(fd_, absl::StrCat(erase, Draw()));
  drawn_ = lines_.size();
}

void TerminalLines::Write(absl::string_view text) {
  absl::MutexLock lock(&mu_);
  WriteAll(fd_, absl::StrCat(Erase(), text, Draw()));
}

}  // namespace caawatch
