#include "monitor/retention_loop.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "store/small_files.h"

namespace caawatch::monitor {

std::unique_ptr<RetentionLoop> RetentionLoop::Start(store::Store* store, const Clock* clock,
                                                    const Logger* logger, store::RetentionRule rule,
                                                    absl::Duration caa_raw_answer_retention) {
  auto loop =
      absl::WrapUnique(new RetentionLoop(store, clock, logger, rule, caa_raw_answer_retention));
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

RetentionLoop::RetentionLoop(store::Store* store, const Clock* clock, const Logger* logger,
                             store::RetentionRule rule, absl::Duration caa_raw_answer_retention)
    : db_(&store->database()),
      clock_(clock),
      logger_(logger),
      pass_every_(std::clamp(rule.head_interval, kMinPassEvery, kPassEvery)),
      pruner_(&store->database(), rule),
      raw_answers_(&store->database(), caa_raw_answer_retention) {}

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

template <typename Pruner>
bool RetentionLoop::Pass(Pruner& pruner, absl::string_view what) {
  for (;;) {
    absl::StatusOr<bool> done = pruner.Step(clock_->Now(), kStepHeads);
    if (!done.ok()) {
      // A full disk or a damaged record: said once per pass, tried again at the next.
      logger_->Log(LogLevel::kError, "retention",
                   absl::StrCat("pruning ", what, " failed: ", done.status().message()));
      return true;
    }
    if (*done) return true;
    if (Wait(kStepPause)) return false;
  }
}

void RetentionLoop::Run() {
  while (!stop_.HasBeenNotified()) {
    const uint64_t heads_before = pruner_.counts().removed;
    const uint64_t answers_before = raw_answers_.dropped();
    if (!Pass(pruner_, "tree heads")) break;
    if (absl::StatusOr<std::vector<std::string>> merged = store::MergeSmallFiles(*db_);
        !merged.ok()) {
      logger_->Log(LogLevel::kError, "retention",
                   absl::StrCat("merging small store files failed: ", merged.status().message()));
    } else if (!merged->empty()) {
      logger_->Log(LogLevel::kDebug, "retention",
                   absl::StrCat("merged the small files of ", absl::StrJoin(*merged, ", ")));
    }
    if (const absl::Time now = clock_->Now(); now >= next_raw_answer_pass_) {
      if (!Pass(raw_answers_, "raw CAA answers")) break;
      next_raw_answer_pass_ = now + kRawAnswerPassEvery;
    }
    const uint64_t heads = pruner_.counts().removed - heads_before;
    const uint64_t answers = raw_answers_.dropped() - answers_before;
    if (heads > 0 || answers > 0) {
      logger_->Log(LogLevel::kInfo, "retention",
                   absl::StrCat("removed ", heads, " tree heads and ", answers,
                                " old raw CAA answers the retention rules drop"));
    }
    if (Wait(pass_every_)) break;
  }
}

}  // namespace caawatch::monitor
