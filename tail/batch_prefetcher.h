// Fetches a log's batches on its own thread, a bounded number ahead of the one that processes
// them, so that the network, JSON and Merkle hashing of batch n+1 overlap the matching and the
// store commit of batch n. Batches come out in log order, each with the tailer state right
// after it: what a commit of that batch must record.
#ifndef CAAWATCH_TAIL_BATCH_PREFETCHER_H_
#define CAAWATCH_TAIL_BATCH_PREFETCHER_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "ctlog/log_tailer.h"
#include "ctlog/log_types.h"

namespace caawatch::tail {

struct PrefetchedBatch {
  ctlog::LogTailer::Batch batch;
  ctlog::TailerState state_after;
};

class BatchPrefetcher {
 public:
  // Calls tailer->FetchBatch(target) on a new thread until the tailer's position reaches
  // target.tree_size (or `limit`, when non-zero), a batch is a root mismatch, FetchBatch fails,
  // or `stop` is notified. At most `depth` (>= 1) batches wait unconsumed. The tailer (borrowed)
  // belongs to the fetching thread until Finish() returns: do not touch it meanwhile.
  BatchPrefetcher(ctlog::LogTailer* tailer, ctlog::SignedTreeHead target, uint64_t limit,
                  size_t depth, const absl::Notification* stop);
  ~BatchPrefetcher();  // Finish().
  BatchPrefetcher(const BatchPrefetcher&) = delete;
  BatchPrefetcher& operator=(const BatchPrefetcher&) = delete;

  // The next batch in log order; nullopt once fetching ended and every batch fetched was handed
  // out. error() then says whether it ended on a FetchBatch error.
  std::optional<PrefetchedBatch> Next();
  absl::Status error() const;

  // Stops fetching (an in-flight request completes first) and joins the thread. True when
  // every batch fetched was handed out by Next(), i.e. the tailer's state is that of the last
  // batch handed out (or unchanged if none was); false means it ran ahead.
  bool Finish();

 private:
  void Fetch(ctlog::SignedTreeHead target, uint64_t limit, const absl::Notification* stop);

  ctlog::LogTailer* const tailer_;
  const size_t depth_;
  mutable absl::Mutex mu_;
  std::deque<PrefetchedBatch> ready_ ABSL_GUARDED_BY(mu_);
  absl::Status error_ ABSL_GUARDED_BY(mu_);
  bool done_ ABSL_GUARDED_BY(mu_) = false;       // The fetching thread pushes nothing more.
  bool cancelled_ ABSL_GUARDED_BY(mu_) = false;  // Finish() was called.
  std::thread thread_;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_BATCH_PREFETCHER_H_
