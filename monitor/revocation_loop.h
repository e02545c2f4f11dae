// The revocation follow-up's run loop (SPEC §8): a thread that runs a RevocationFollower
// round at start and then every `interval`, until stopped. Owns its thread, its HTTP fetcher
// and its CRL cache; Stop() (or the destructor) joins within about a second of a fetch.
#ifndef CAAWATCH_MONITOR_REVOCATION_LOOP_H_
#define CAAWATCH_MONITOR_REVOCATION_LOOP_H_

#include <memory>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "ctlog/http_fetcher.h"
#include "judge/issuer_source.h"
#include "judge/revocation_follower.h"
#include "revoke/crl_cache.h"
#include "store/store.h"

namespace caawatch::monitor {

class RevocationLoop {
 public:
  // Starts the thread. `store`, `clock`, `logger` and `issuers` (the CA map with the CRLs CAs
  // disclosed in CCADB; may be null) are borrowed and must outlive the loop. kInternal when
  // libcurl cannot make a handle.
  static absl::StatusOr<std::unique_ptr<RevocationLoop>> Start(
      store::Store* store, const Clock* clock, const Logger* logger, absl::Duration interval,
      const judge::IssuerSource* issuers = nullptr);
  ~RevocationLoop();  // Stop().
  RevocationLoop(const RevocationLoop&) = delete;
  RevocationLoop& operator=(const RevocationLoop&) = delete;

  void Stop();

 private:
  RevocationLoop(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher, store::Store* store,
                 const Clock* clock, const Logger* logger, absl::Duration interval,
                 const judge::IssuerSource* issuers);
  void Run();

  const Clock* const clock_;
  const Logger* const logger_;
  const absl::Duration interval_;
  absl::Notification stop_;
  absl::Mutex mu_;  // Only for the clock's wait.
  std::unique_ptr<ctlog::CurlHttpFetcher> fetcher_;
  revoke::CrlCache crls_;
  judge::RevocationFollower follower_;
  std::thread thread_;
};

// `run --once`: one round of the follow-up over the forbidden and likely_forbidden findings,
// with a fetcher and a CRL cache of its own (a notified `stop` ends a fetch), logged as the
// loop logs its rounds. Errors: kInternal when libcurl cannot make a handle; the store's.
[[nodiscard]] absl::Status RunRevocationRound(store::Store* store, const Clock* clock,
                                              const Logger* logger, const absl::Notification& stop,
                                              const judge::IssuerSource* issuers = nullptr);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_REVOCATION_LOOP_H_
