#include "tail/batch_prefetcher.h"

#include <utility>

namespace caawatch::tail {

BatchPrefetcher::BatchPrefetcher(ctlog::LogTailer* tailer, ctlog::SignedTreeHead target,
                                 uint64_t limit, size_t depth, const absl::Notification* stop)
    : tailer_(tailer), depth_(depth < 1 ? 1 : depth) {
  thread_ =
      std::thread([this, target = std::move(target), limit, stop] { Fetch(target, limit, stop); });
}

BatchPrefetcher::~BatchPrefetcher() { Finish(); }

void BatchPrefetcher::Fetch(ctlog::SignedTreeHead target, uint64_t limit,
                            const absl::Notification* stop) {
  const uint64_t end = limit != 0 && limit < target.tree_size ? limit : target.tree_size;
  for (;;) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](BatchPrefetcher* p) ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) {
            return p->cancelled_ || p->ready_.size() < p->depth_;
          },
          this));
      if (cancelled_) break;
    }
    if (tailer_->state().position >= end || stop->HasBeenNotified()) break;
    absl::StatusOr<ctlog::LogTailer::Batch> batch = tailer_->FetchBatch(target);
    absl::MutexLock lock(&mu_);
    if (!batch.ok()) {
      error_ = batch.status();
      break;
    }
    const bool mismatch = batch->verification == ctlog::LogTailer::Verification::kRootMismatch;
    ready_.push_back(PrefetchedBatch{*std::move(batch), tailer_->state()});
    if (mismatch) break;  // The tailer rewound: whoever handles it decides what comes next.
  }
  absl::MutexLock lock(&mu_);
  done_ = true;
}

std::optional<PrefetchedBatch> BatchPrefetcher::Next() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(
      +[](BatchPrefetcher* p)
           ABSL_EXCLUSIVE_LOCKS_REQUIRED(p->mu_) { return p->done_ || !p->ready_.empty(); },
      this));
  if (ready_.empty()) return std::nullopt;
  std::optional<PrefetchedBatch> next(std::move(ready_.front()));
  ready_.pop_front();
  return next;
}

absl::Status BatchPrefetcher::error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

bool BatchPrefetcher::Finish() {
  {
    absl::MutexLock lock(&mu_);
    cancelled_ = true;
  }
  if (thread_.joinable()) thread_.join();
  absl::MutexLock lock(&mu_);
  return ready_.empty();
}

}  // namespace caawatch::tail
