// A few lines at the bottom of a terminal that are redrawn in place (the live progress of
// `run --once`), with the log's lines printed above them: each log line clears the region,
// is written, and the region is drawn again, so neither cuts the other. Only for a terminal:
// the caller checks isatty, so nothing of it reaches a file or a pipe. Thread-safe.
#ifndef CAAWATCH_BASE_TERMINAL_LINES_H_
#define CAAWATCH_BASE_TERMINAL_LINES_H_

#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"

namespace caawatch {

class TerminalLines {
 public:
  // Draws on `fd` (a terminal), `width` columns wide: longer lines are cut (a wrapped line
  // would throw off the count of lines to redraw).
  TerminalLines(int fd, size_t width) : fd_(fd), width_(width) {}
  // Erases the region: what is left on the terminal is the log alone.
  ~TerminalLines() { Show({}); }

  // Replaces the region's lines. Control characters in them are shown as '?'.
  void Show(std::vector<std::string> lines);
  // Writes `text` (whole lines, each ending in '\n') above the region.
  void Write(absl::string_view text);

  // The terminal's width in columns (80 if it does not say).
  static size_t Width(int fd);

 private:
  // The escape sequences that erase the region drawn last (cursor up, clear to the end).
  std::string Erase() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  std::string Draw() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const int fd_;
  const size_t width_;
  absl::Mutex mu_;
  std::vector<std::string> lines_ ABSL_GUARDED_BY(mu_);
  size_t drawn_ ABSL_GUARDED_BY(mu_) = 0;  // Lines on the terminal now.
};

}  // namespace caawatch

#endif  // CAAWATCH_BASE_TERMINAL_LINES_H_
