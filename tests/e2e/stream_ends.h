// How the Subscribe streams of a test ended, counted by status code, and a wait for them to
// end: the part of the subscriber tallies that the many- and idle-subscriber tests share.
// Thread-safe (reactors report from gRPC's threads).
#ifndef CAAWATCH_TESTS_E2E_STREAM_ENDS_H_
#define CAAWATCH_TESTS_E2E_STREAM_ENDS_H_

#include <grpcpp/grpcpp.h>

#include <cstddef>
#include <map>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"

namespace caawatch::testing {

class StreamEnds {
 public:
  // A stream ended (its reactor's OnDone).
  void Ended(grpc::StatusCode code) {
    absl::MutexLock lock(&mu_);
    ++by_code_[code];
    ++total_;
  }
  // Whether `count` streams had ended within `timeout`.
  bool AwaitEnded(size_t count, absl::Duration timeout) {
    absl::MutexLock lock(&mu_);
    auto reached = [this, count]() ABSL_SHARED_LOCKS_REQUIRED(mu_) { return total_ >= count; };
    return mu_.AwaitWithTimeout(absl::Condition(&reached), timeout);
  }
  std::map<grpc::StatusCode, size_t> ended() const {
    absl::MutexLock lock(&mu_);
    return by_code_;
  }

 private:
  mutable absl::Mutex mu_;
  std::map<grpc::StatusCode, size_t> by_code_ ABSL_GUARDED_BY(mu_);
  size_t total_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_E2E_STREAM_ENDS_H_
