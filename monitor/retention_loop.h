// The pruners of `caawatch run` (store/retention.h and store/caa_retention.h, SCHEMA.md
// "Retention"): a thread that removes what the rules drop in small steps (kStepHeads examined,
// one write), a pause between steps so that the tailers' writes never wait behind it, and a
// new pass every kPassEvery, or every history interval when that is shorter (at least
// kMinPassEvery): a store kept at a finer history is thinned as often. The raw CAA answers get
// a pass once every kRawAnswerPassEvery. After each pass the tiny SST files of families whose
// keys only grow are merged (store/small_files.h). Stop() (or the destructor) joins within one
// step.
#ifndef CAAWATCH_MONITOR_RETENTION_LOOP_H_
#define CAAWATCH_MONITOR_RETENTION_LOOP_H_

#include <cstddef>
#include <memory>
#include <thread>

#include "absl/strings/string_view.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "store/caa_retention.h"
#include "store/retention.h"
#include "store/store.h"

namespace caawatch::monitor {

class RetentionLoop {
 public:
  static constexpr size_t kStepHeads = 2000;
  static constexpr absl::Duration kStepPause = absl::Milliseconds(200);
  static constexpr absl::Duration kPassEvery = absl::Minutes(10);
  static constexpr absl::Duration kMinPassEvery = absl::Minutes(1);
  // Raw CAA answers go after 90 days (at least 24 h) and their pass reads every observation
  // (a million names: a million records): once a day is soon enough.
  static constexpr absl::Duration kRawAnswerPassEvery = absl::Hours(24);

  // Starts the thread. `store`, `clock` and `logger` are borrowed and must outlive the loop.
  static std::unique_ptr<RetentionLoop> Start(store::Store* store, const Clock* clock,
                                              const Logger* logger, store::RetentionRule rule,
                                              absl::Duration caa_raw_answer_retention);
  ~RetentionLoop();  // Stop().
  RetentionLoop(const RetentionLoop&) = delete;
  RetentionLoop& operator=(const RetentionLoop&) = delete;

  void Stop();

 private:
  RetentionLoop(store::Store* store, const Clock* clock, const Logger* logger,
                store::RetentionRule rule, absl::Duration caa_raw_answer_retention);
  // Runs `pruner`'s steps to the end of a pass; false when stopped.
  template <typename Pruner>
  bool Pass(Pruner& pruner, absl::string_view what);
  void Run();
  // Waits `d` of real time or until stopped; true when stopped.
  bool Wait(absl::Duration d);

  store::Database* const db_;
  const Clock* const clock_;
  const Logger* const logger_;
  const absl::Duration pass_every_;
  absl::Time next_raw_answer_pass_ = absl::InfinitePast();  // By clock_.
  store::TreeHeadPruner pruner_;
  store::RawAnswerPruner raw_answers_;
  absl::Notification stop_;
  std::thread thread_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_RETENTION_LOOP_H_
