// The proof keeper's run loop (SPEC §8, tail/proof_keeper.h): a thread that stores the
// inclusion evidence of new findings within about a second of their commit, and retries the
// findings whose log did not answer with backoff (1 s doubling to 5 min), apart from new ones. Owns
// its thread and its HTTP fetcher; Stop() (or the destructor) joins within about a second of a
// fetch.
#ifndef CAAWATCH_MONITOR_PROOF_LOOP_H_
#define CAAWATCH_MONITOR_PROOF_LOOP_H_

#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "base/clock.h"
#include "base/log.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_types.h"
#include "store/store.h"
#include "tail/proof_keeper.h"

namespace caawatch::monitor {

class ProofLoop {
 public:
  // Starts the thread over the findings of `store`, fetching from `logs` (https ones verified
  // against `log_ca_file`, "" = the system's roots). Borrowed: store, clock, logger.
  // kInternal when libcurl cannot make a handle.
  static absl::StatusOr<std::unique_ptr<ProofLoop>> Start(store::Store* store,
                                                          const std::vector<ctlog::LogInfo>& logs,
                                                          const std::string& log_ca_file,
                                                          const Clock* clock, const Logger* logger);
  // `caawatch run --once`: the waiting findings once, then rounds until every finding after the
  // cursor was looked at (those left pending are tried again at the next run). Returns the
  // findings left pending.
  static absl::StatusOr<size_t> RunUntilSettled(store::Store* store,
                                                const std::vector<ctlog::LogInfo>& logs,
                                                const std::string& log_ca_file, const Clock* clock,
                                                const Logger* logger);
  ~ProofLoop();  // Stop().
  ProofLoop(const ProofLoop&) = delete;
  ProofLoop& operator=(const ProofLoop&) = delete;

  void Stop();

 private:
  ProofLoop(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher, store::Store* store,
            const std::vector<ctlog::LogInfo>& logs, const Clock* clock, const Logger* logger);
  void Run();
  // Logs what a round did: stored proofs at INFO, a failure to fetch once per streak.
  void Report(const absl::StatusOr<tail::ProofRound>& round);

  const Clock* const clock_;
  const Logger* const logger_;
  absl::Notification stop_;
  absl::Mutex mu_;  // Only for the clock's wait.
  std::unique_ptr<ctlog::CurlHttpFetcher> fetcher_;
  tail::ProofKeeper keeper_;
  bool failing_ = false;  // The last round left a finding pending (said once per streak).
  std::thread thread_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_PROOF_LOOP_H_
