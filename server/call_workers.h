// Threads of our own, with a bounded queue, for the unary calls that may block (CheckCaa's DNS
// lookups, AddWatch's watchlist rebuild): gRPC's callback threads are few and shared by every
// call, so a handler hands such work over here and returns its reactor at once.
#ifndef CAAWATCH_SERVER_CALL_WORKERS_H_
#define CAAWATCH_SERVER_CALL_WORKERS_H_

#include <cstddef>
#include <deque>
#include <functional>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"

namespace caawatch::server {

struct CallWorkersOptions {
  size_t threads = 1;     // At least 1.
  size_t max_queued = 8;  // Tasks waiting for a thread, besides the running ones.
};

// Thread-safe. Runs each task once, oldest first.
class CallWorkers {
 public:
  // A task runs with `run` true on a worker thread, or with `run` false on the thread calling
  // Shutdown when it never got a thread: either way it must finish its call.
  using Task = std::function<void(bool run)>;

  explicit CallWorkers(CallWorkersOptions options);
  ~CallWorkers();  // Shutdown().
  CallWorkers(const CallWorkers&) = delete;
  CallWorkers& operator=(const CallWorkers&) = delete;

  // Queues `task`; false (and `task` is dropped unrun) when max_queued tasks already wait or
  // after Shutdown: the caller refuses the call (RESOURCE_EXHAUSTED).
  [[nodiscard]] bool TrySchedule(Task task);

  // Takes no more tasks, gives the waiting ones `run` false, lets the running ones end and joins
  // the threads. Idempotent.
  void Shutdown();

 private:
  void Work();
  bool HasWorkOrStops() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const size_t max_queued_;
  absl::Mutex mu_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_CALL_WORKERS_H_
