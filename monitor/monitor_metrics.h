// What `caawatch run --metrics-listen` serves at /metrics (SPEC §7), gathered at scrape time:
// per log the stored position and heads (store/log_status.h, as `caawatch status` shows them)
// and the running workers' counters; findings per verdict (as `caawatch findings` lists them);
// CAA lookups by result and DNSSEC status and the latest poll; the notification sinks (as
// `caawatch notify status`); watched names; followed zones; the build. The counters are relaxed
// atomics of the parts that count (no lock on the per-entry path); the rest is read when asked.
#ifndef CAAWATCH_MONITOR_MONITOR_METRICS_H_
#define CAAWATCH_MONITOR_MONITOR_METRICS_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "judge/caa_poll.h"
#include "monitor/config.h"

namespace caawatch::server {
struct MetricsEndpointOptions;  // server/metrics_endpoint.h: the command line may not include it.
}  // namespace caawatch::server
namespace caawatch::tail {
class LogWorker;
}  // namespace caawatch::tail

namespace caawatch::monitor {

class Pipeline;

// What is wrong with config.metrics_listen (with the TLS files it would use), before anything
// starts: kInvalidArgument for a malformed address or a non-loopback one without TLS, in the
// gRPC listener's words. OK when it is "" (not served).
[[nodiscard]] absl::Status CheckMetricsListen(const MonitorConfig& config);
// The endpoint's options for `config`: the address and the gRPC listener's TLS files.
server::MetricsEndpointOptions MetricsEndpointOptionsFor(const MonitorConfig& config);

class MonitorMetrics {
 public:
  explicit MonitorMetrics(const Pipeline* pipeline) : pipeline_(pipeline) {}  // Borrowed.

  // The workers running now; a worker is removed before it is destroyed.
  void AddWorker(const tail::LogWorker* worker);
  void RemoveWorker(const tail::LogWorker* worker);
  // A full CAA poll of the watched names ended at `ended`.
  void CaaPollEnded(const judge::CaaPollStats& stats, absl::Time ended);

  // The exposition text (metrics/exposition.h). A store read that fails leaves its series out
  // and says so in caawatch_scrape_errors_total; the scrape itself never fails.
  std::string Render();

 private:
  const Pipeline* const pipeline_;
  absl::Mutex mu_;
  std::vector<const tail::LogWorker*> workers_ ABSL_GUARDED_BY(mu_);
  std::atomic<uint64_t> poll_names_{0};
  std::atomic<uint64_t> poll_failures_{0};
  std::atomic<int64_t> poll_ended_unix_ms_{0};  // 0: no full poll yet.
  std::atomic<uint64_t> polls_{0};
  std::atomic<uint64_t> scrape_errors_{0};
};

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_MONITOR_METRICS_H_
