// The monitor's parts, built once from the configuration and wired to one another: the store,
// the CAA resolver, the CA map in force, the CAA observer, the issuance evaluator, the watches in
// force, the re-evaluator and the alert feed, and log workers over them. The Supervisor runs a
// Pipeline; the integration tests and the benchmarks build the same one.
#ifndef CAAWATCH_MONITOR_PIPELINE_H_
#define CAAWATCH_MONITOR_PIPELINE_H_

#include <functional>
#include <memory>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/clock.h"
#include "base/log.h"
#include "caa/resolver.h"
#include "ctlog/log_list.h"
#include "judge/alert_hub.h"
#include "judge/caa_observer.h"
#include "judge/issuance_evaluator.h"
#include "judge/issuer_source.h"
#include "judge/reevaluator.h"
#include "judge/renewal_guard.h"
#include "judge/watch_source.h"
#include "judge/zone_followers.h"
#include "judge/zone_history.h"
#include "monitor/config.h"
#include "store/store.h"
#include "tail/log_worker.h"
#include "watch/watchlist.h"

namespace caawatch::monitor {

// What a test changes in how the parts are built; `caawatch run` uses none.
struct PipelineHooks {
  // Wraps the resolver built from the configuration (a test records or delays lookups).
  std::function<std::unique_ptr<caa::CaaResolver>(std::unique_ptr<caa::CaaResolver>)> wrap_resolver;
  // The re-evaluator's bounds (a test reaches them with hundreds of findings, not millions).
  judge::ReevaluatorOptions reevaluator_options;
};

class Pipeline {
 public:
  // Opens the store in config.data_dir, creates the resolver (the dns_* keys), loads the CA map
  // (built in, extended by `caawatch issuers import`) and the watchlist in force (`static_watches`
  // and the stored entries; each stored entry left out is a warning). kFailedPrecondition for an
  // unusable store, kInvalidArgument for a bad resolver setting. `clock` and `logger` are
  // borrowed and must outlive the pipeline; every part reads time from `clock`.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Pipeline>> Create(
      const MonitorConfig& config, watch::Watchlist static_watches, const Clock* clock,
      const Logger* logger, PipelineHooks hooks = {});
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;
  ~Pipeline();

  // Reloads the watchlist in force (after AddWatch/RemoveWatch); each stored entry it has to
  // leave out is a warning. A store error is returned.
  absl::Status ReloadWatches();

  // What every log worker shares: these parts, and request pacing and retries on the clock.
  tail::LogWorkerDeps worker_deps();
  // The worker options the configuration sets (sth_poll_interval, batch_size, start_at...).
  tail::LogWorkerOptions worker_options() const;
  // A worker for `log` with worker_deps(), worker_options() and a connection of its own (logs
  // never share a socket); a read-only log with a final tree head is finished there.
  // `published_rate` (requests/s; 0 = none) is the log's own limit from the log list
  // (certspotter_download_qps): the worker keeps to it, and to max_requests_per_second.
  absl::StatusOr<std::unique_ptr<tail::LogWorker>> NewWorker(const ctlog::LogInfo& log,
                                                             double published_rate = 0);

  const MonitorConfig& config() const { return config_; }
  const Clock* clock() const { return clock_; }
  const Logger* logger() const { return logger_; }
  store::Store* store() const { return store_.get(); }
  caa::CaaResolver* resolver() const { return resolver_.get(); }
  judge::IssuerSource* issuers() const { return issuers_.get(); }
  judge::CaaObserver* observer() const { return observer_.get(); }
  judge::IssuanceEvaluator* evaluator() const { return evaluator_.get(); }
  judge::WatchSource* watches() const { return watches_.get(); }
  judge::Reevaluator* reevaluator() const { return reevaluator_.get(); }
  // Told of each new observation too: the CAA changes that break a recent issuer's renewals.
  judge::RenewalGuard* renewal_guard() const { return renewal_guard_.get(); }
  judge::AlertHub* alerts() { return &alerts_; }
  // The followed zones (config `zones`; empty without): the Supervisor refreshes and runs them.
  judge::ZoneFollowers* zones() const { return zones_.get(); }
  // The followed zones' history (names in no followed zone have none).
  const judge::ZoneHistory* zone_history() const { return zone_history_.get(); }

 private:
  Pipeline(const MonitorConfig& config, const Clock* clock, const Logger* logger);

  const MonitorConfig config_;
  const Clock* const clock_;
  const Logger* const logger_;
  // In the order they are built; destroyed the other way round, the store last.
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<caa::CaaResolver> resolver_;
  std::unique_ptr<judge::IssuerSource> issuers_;
  std::unique_ptr<judge::CaaObserver> observer_;
  std::unique_ptr<judge::IssuanceEvaluator> evaluator_;
  std::unique_ptr<judge::WatchSource> watches_;
  judge::AlertHub alerts_;
  std::unique_ptr<judge::Reevaluator> reevaluator_;  // Told of each new observation.
  // Last: their thread tells the re-evaluator of zone changes until it is stopped here.
  std::unique_ptr<judge::ZoneHistory> zone_history_;
  std::unique_ptr<judge::RenewalGuard> renewal_guard_;  // Reads zone_history_.
  std::unique_ptr<judge::ZoneFollowers> zones_;
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_PIPELINE_H_
