#include "server/call_workers.h"

#include <algorithm>
#include <utility>

namespace caawatch::server {

CallWorkers::CallWorkers(CallWorkersOptions options) : max_queued_(options.max_queued) {
  const size_t n = std::max<size_t>(options.threads, 1);
  threads_.reserve(n);
  for (size_t i = 0; i < n; ++i) threads_.emplace_back([this] { Work(); });
}

CallWorkers::~CallWorkers() { Shutdown(); }

bool CallWorkers::TrySchedule(Task task) {
  absl::MutexLock lock(&mu_);
  if (stopping_ || queue_.size() >= max_queued_) return false;
  queue_.push_back(std::move(task));
  return true;
}

void CallWorkers::Shutdown() {
  std::deque<Task> unrun;
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
    unrun.swap(queue_);
  }
  // Outside the lock: a task finishes a gRPC call, which may run gRPC's callbacks inline.
  for (Task& task : unrun) task(false);
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
}

bool CallWorkers::HasWorkOrStops() const { return stopping_ || !queue_.empty(); }

void CallWorkers::Work() {
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &CallWorkers::HasWorkOrStops));
      if (queue_.empty()) return;  // Stopping, and Shutdown took what was left.
      task = std::move(queue_.front());
      queue_.pop_front();
    }
    task(true);
  }
}

}  // namespace caawatch::server
