#include "cli/progress_display.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/time_left.h"

namespace caawatch::cli {
namespace {

constexpr absl::Duration kRedrawInterval = absl::Milliseconds(500);

}  // namespace

std::string ProgressLine(const monitor::LogProgress& log, double rate) {
  if (log.tree_size == 0) return absl::StrCat(log.log, "  waiting for a tree head");
  if (log.position >= log.tree_size) {
    return absl::StrCat(log.log, "  ", log.position, "/", log.tree_size, "  caught up");
  }
  return absl::StrFormat("%s  %d/%d (%.0f%%)  %.0f entries/s  %s", log.log, log.position,
                         log.tree_size, 100.0 * log.position / log.tree_size, rate,
                         TimeLeftText(log.tree_size - log.position, rate));
}

ProgressDisplay::ProgressDisplay(TerminalLines* terminal,
                                 std::function<std::vector<monitor::LogProgress>()> progress)
    : terminal_(terminal), progress_(std::move(progress)) {
  thread_ = std::thread([this] {
    do {
      Redraw();
    } while (!done_.WaitForNotificationWithTimeout(kRedrawInterval));
  });
}

ProgressDisplay::~ProgressDisplay() {
  done_.Notify();
  thread_.join();
  terminal_->Show({});
}

void ProgressDisplay::Redraw() {
  const absl::Time now = absl::Now();
  std::vector<std::string> lines;
  for (const monitor::LogProgress& log : progress_()) {
    double rate = 0;
    if (log.tree_size > 0) {
      const auto [it, fresh] = first_.try_emplace(log.log, log.position, now);
      const absl::Duration elapsed = now - it->second.second;
      if (!fresh && elapsed > absl::ZeroDuration() && log.position >= it->second.first) {
        rate =
            static_cast<double>(log.position - it->second.first) / absl::ToDoubleSeconds(elapsed);
      }
    }
    lines.push_back(ProgressLine(log, rate));
  }
  terminal_->Show(std::move(lines));
}

}  // namespace caawatch::cli
