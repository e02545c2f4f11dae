#include "monitor/retention_loop.h"

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"

namespace caawatch::monitor {

std::unique_ptr<RetentionLoop> RetentionLoop::Start(store::Store* store, const Clock* clock,
                                                    const Logger* logger,
                                                    store::RetentionRule rule) {
  auto loop = absl::WrapUnique(new RetentionLoop(store, clock, logger, rule));
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

RetentionLoop::RetentionLoop(store::Store* store, const Clock* clock, const Logger* logger,
                             store::RetentionRule rule)
    : clock_(clock), logger_(logger), pruner_(&store->database(), rule) {}

RetentionLoop::~RetentionLoop() { Stop(); }

void RetentionLoop::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

bool RetentionLoop::Wait(absl::Duration d) {
  // Real time, not the clock's: the pauses only spread the work out, and the supervisor tests
  // step a fake clock counting the loops that wait on it.
  return stop_.WaitForNotificationWithTimeout(d);
}

void RetentionLoop::Run() {
  while (!stop_.HasBeenNotified()) {
    const uint64_t removed_before = pruner_.counts().removed;
    for (;;) {
      absl::StatusOr<bool> done = pruner_.Step(clock_->Now(), kStepHeads);
      if (!done.ok()) {
        // A full disk or a damaged record: said once per pass, tried again at the next.
        logger_->Log(LogLevel::kError, "retention",
                     absl::StrCat("pruning tree heads failed: ", done.status().message()));
        break;
      }
      if (*done || Wait(kStepPause)) break;
    }
    if (const uint64_t removed = pruner_.counts().removed - removed_before; removed > 0) {
      logger_->Log(LogLevel::kInfo, "retention",
                   absl::StrCat("removed ", removed, " tree heads the retention rule drops"));
    }
    if (Wait(kPassEvery)) break;
  }
}

}  // namespace caawatch::monitor
