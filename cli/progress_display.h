// The live display of `run --once` on a terminal: one line per log ("log  position/size
// (pct)  rate  time left"), redrawn in place every half second through TerminalLines, erased
// when the display ends. The caller creates it only when stderr is a terminal.
#ifndef CAAWATCH_CLI_PROGRESS_DISPLAY_H_
#define CAAWATCH_CLI_PROGRESS_DISPLAY_H_

#include <functional>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/terminal_lines.h"
#include "monitor/supervisor.h"

namespace caawatch::cli {

// One log's line: "ct.example/2025h1  1200/5000 (24%)  310 entries/s  about 13s left"; a log
// whose position reached its tree size says "caught up", one with no tree head yet "waiting".
// `rate` in entries/s since the display started.
std::string ProgressLine(const monitor::LogProgress& log, double rate);

class ProgressDisplay {
 public:
  // `terminal` (borrowed) draws; `progress` is asked on the display's thread.
  ProgressDisplay(TerminalLines* terminal,
                  std::function<std::vector<monitor::LogProgress>()> progress);
  // Stops the thread and erases the lines.
  ~ProgressDisplay();

 private:
  void Redraw();

  TerminalLines* const terminal_;
  const std::function<std::vector<monitor::LogProgress>()> progress_;
  // Per log: the first position seen and when, for the rate.
  std::map<std::string, std::pair<uint64_t, absl::Time>> first_;
  absl::Notification done_;
  std::thread thread_;
};

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_PROGRESS_DISPLAY_H_
