#include "monitor/monitor_metrics.h"

#include <algorithm>
#include <map>
#include <optional>

#include "base/build_info.h"
#include "base/clock.h"
#include "judge/caa_observer.h"
#include "judge/watch_source.h"
#include "judge/zone_followers.h"
#include "metrics/exposition.h"
#include "monitor/heap_usage.h"
#include "monitor/notify_commands.h"
#include "monitor/pipeline.h"
#include "server/metrics_endpoint.h"
#include "store/log_status.h"
#include "store/store.h"
#include "store/verdict.h"
#include "tail/log_worker.h"

namespace caawatch::monitor {
namespace {

using metrics::Exposition;
using metrics::MetricType;

double Seconds(absl::Time t) { return absl::ToDoubleSeconds(t - absl::UnixEpoch()); }

// The label of a log: its URL, unique in a log list (descriptions need not be).
metrics::Labels LogLabel(const std::string& url) { return {{"log", url}}; }

void LogSeries(store::Store* store, absl::Time now, Exposition* out, bool* failed) {
  absl::StatusOr<std::vector<store::LogStatusView>> logs = store::ListLogStatus(*store, now);
  if (!logs.ok()) {
    *failed = true;
    return;
  }
  struct Series {
    const char* name;
    MetricType type;
    const char* help;
    double (*value)(const store::LogStatusView&);
  };
  static constexpr Series kSeries[] = {
      {"caawatch_log_position", MetricType::kGauge,
       "Entries of the log processed and committed (the next index to read).",
       [](const store::LogStatusView& v) { return static_cast<double>(v.position); }},
      {"caawatch_log_verified_tree_size", MetricType::kGauge,
       "Size of the newest tree head whose consistency caawatch verified.",
       [](const store::LogStatusView& v) { return static_cast<double>(v.verified_size); }},
      {"caawatch_log_tree_size", MetricType::kGauge, "Size of the newest tree head seen.",
       [](const store::LogStatusView& v) { return static_cast<double>(v.tree_size); }},
      {"caawatch_log_lag_entries", MetricType::kGauge,
       "Entries of the newest tree head not processed yet.",
       [](const store::LogStatusView& v) { return static_cast<double>(v.lag_entries); }},
      {"caawatch_log_lag_seconds", MetricType::kGauge,
       "Age of what was processed: of the newest verified head when behind, of the last "
       "contact when retrying or stale.",
       [](const store::LogStatusView& v) { return static_cast<double>(v.lag_seconds); }},
      {"caawatch_log_consecutive_failures", MetricType::kGauge,
       "Attempts that failed since the last success.",
       [](const store::LogStatusView& v) { return static_cast<double>(v.consecutive_failures); }},
  };
  for (const Series& s : kSeries) {
    out->Family(s.name, s.type, s.help);
    for (const store::LogStatusView& v : *logs) out->Sample(s.name, LogLabel(v.url), s.value(v));
  }
  out->Family("caawatch_log_last_success_timestamp_seconds", MetricType::kGauge,
              "When the log last answered (a tree head, a committed batch); absent if never.");
  for (const store::LogStatusView& v : *logs) {
    if (v.last_success_at == absl::InfinitePast()) continue;
    out->Sample("caawatch_log_last_success_timestamp_seconds", LogLabel(v.url),
                Seconds(v.last_success_at));
  }
  out->Family("caawatch_log_state", MetricType::kGauge,
              "1 for the log's condition as `caawatch status` names it, 0 for the others.");
  for (const store::LogStatusView& v : *logs) {
    for (store::LogCondition c : {store::LogCondition::kOk, store::LogCondition::kCatchingUp,
                                  store::LogCondition::kRetrying, store::LogCondition::kStale}) {
      out->Sample("caawatch_log_state",
                  {{"log", v.url}, {"state", std::string(store::LogConditionName(c))}},
                  v.condition == c ? 1 : 0);
    }
  }
}

void WorkerSeries(const std::vector<const tail::LogWorker*>& workers, Exposition* out) {
  out->Family("caawatch_log_entries_processed_total", MetricType::kCounter,
              "Entries of the log read, checked and committed by this process.");
  for (const tail::LogWorker* w : workers) {
    out->Sample("caawatch_log_entries_processed_total", LogLabel(w->log().url),
                static_cast<double>(w->entries_read()));
  }
  out->Family("caawatch_log_fetch_errors_total", MetricType::kCounter,
              "Requests to the log that failed, by kind (rate_limited is HTTP 429), retries "
              "included.");
  for (const tail::LogWorker* w : workers) {
    for (int k = 0; k < tail::kFetchErrorKinds; ++k) {
      const auto kind = static_cast<tail::FetchErrorKind>(k);
      out->Sample("caawatch_log_fetch_errors_total",
                  {{"log", w->log().url}, {"kind", std::string(tail::FetchErrorKindName(kind))}},
                  static_cast<double>(w->fetch_errors().Get(kind)));
    }
  }
}

// Every stored finding by its verdict now, a page at a time.
void FindingSeries(store::Store* store, Exposition* out, bool* failed) {
  std::map<std::string, uint64_t> by_verdict;
  for (store::Verdict v : store::kAllVerdicts) by_verdict[store::VerdictName(v)] = 0;
  store::FindingQuery query;
  for (;;) {
    absl::StatusOr<std::vector<store::FindingRecord>> page = store->findings().List(query);
    if (!page.ok()) {
      *failed = true;
      return;
    }
    for (const store::FindingRecord& f : *page) ++by_verdict[f.verdict()];
    if (page->size() < query.limit) break;
    query.after_seq = page->back().seq();
  }
  out->Family("caawatch_findings", MetricType::kGauge,
              "Stored findings by their verdict now (as `caawatch findings` lists them).");
  for (const auto& [verdict, count] : by_verdict) {
    out->Sample("caawatch_findings", {{"verdict", verdict}}, static_cast<double>(count));
  }
}

void CaaLookupSeries(const judge::CaaLookupCounts& counts, Exposition* out) {
  out->Family("caawatch_caa_lookups_total", MetricType::kCounter,
              "CAA lookups (each name of a search path) by result and DNSSEC status.");
  for (int o = 0; o < judge::CaaLookupCounts::kOutcomes; ++o) {
    for (int d = 0; d < judge::CaaLookupCounts::kDnssecStatuses; ++d) {
      const auto outcome = static_cast<caa::LookupOutcome>(o);
      const auto dnssec = static_cast<caa::DnssecStatus>(d);
      out->Sample("caawatch_caa_lookups_total",
                  {{"result", judge::OutcomeName(outcome)}, {"dnssec", judge::DnssecName(dnssec)}},
                  static_cast<double>(counts.Get(outcome, dnssec)));
    }
  }
}

void SinkSeries(store::Store* store, Exposition* out, bool* failed) {
  absl::StatusOr<std::vector<SinkStatus>> sinks = ListSinkStatus(store);
  if (!sinks.ok()) {
    *failed = true;
    return;
  }
  out->Family("caawatch_notify_pending", MetricType::kGauge,
              "Findings after the sink's cursor, not yet delivered (counted up to 100000).");
  for (const SinkStatus& s : *sinks) {
    out->Sample("caawatch_notify_pending", {{"sink", s.sink}}, static_cast<double>(s.pending));
  }
  out->Family("caawatch_notify_delivered_total", MetricType::kCounter,
              "Findings the sink delivered.");
  for (const SinkStatus& s : *sinks) {
    out->Sample("caawatch_notify_delivered_total", {{"sink", s.sink}},
                static_cast<double>(s.delivered));
  }
  out->Family("caawatch_notify_failures_total", MetricType::kCounter,
              "Findings the sink gave up on after its retries.");
  for (const SinkStatus& s : *sinks) {
    out->Sample("caawatch_notify_failures_total", {{"sink", s.sink}},
                static_cast<double>(s.given_up));
  }
  out->Family("caawatch_notify_failing", MetricType::kGauge,
              "1 while the sink's latest delivery failed.");
  for (const SinkStatus& s : *sinks) {
    out->Sample("caawatch_notify_failing", {{"sink", s.sink}}, s.last_error.empty() ? 0 : 1);
  }
  out->Family("caawatch_notify_last_success_timestamp_seconds", MetricType::kGauge,
              "When the sink last delivered; absent if never.");
  for (const SinkStatus& s : *sinks) {
    if (s.last_success_ms == 0) continue;
    out->Sample("caawatch_notify_last_success_timestamp_seconds", {{"sink", s.sink}},
                static_cast<double>(s.last_success_ms) / 1000);
  }
}

void ZoneSeries(const judge::ZoneFollowers& zones, Exposition* out) {
  const std::vector<judge::ZoneFollowStatus> status = zones.Status();
  out->Family("caawatch_zone_serial", MetricType::kGauge,
              "SOA serial of the followed zone's copy; absent before the first transfer.");
  for (const judge::ZoneFollowStatus& z : status) {
    if (z.serial) out->Sample("caawatch_zone_serial", {{"zone", z.zone}}, *z.serial);
  }
  out->Family("caawatch_zone_last_transfer_timestamp_seconds", MetricType::kGauge,
              "When the zone was last refreshed successfully; absent if never.");
  for (const judge::ZoneFollowStatus& z : status) {
    if (z.last_transfer == absl::InfinitePast()) continue;
    out->Sample("caawatch_zone_last_transfer_timestamp_seconds", {{"zone", z.zone}},
                Seconds(z.last_transfer));
  }
  out->Family("caawatch_zone_transfers_total", MetricType::kCounter,
              "Zone transfers applied, full (AXFR) or incremental (IXFR).");
  for (const judge::ZoneFollowStatus& z : status) {
    out->Sample("caawatch_zone_transfers_total", {{"zone", z.zone}, {"type", "full"}},
                static_cast<double>(z.full_transfers));
    out->Sample("caawatch_zone_transfers_total", {{"zone", z.zone}, {"type", "incremental"}},
                static_cast<double>(z.incremental_transfers));
  }
  out->Family("caawatch_zone_refresh_failing", MetricType::kGauge,
              "1 while the zone's latest refresh failed (`caawatch zones status` says why).");
  for (const judge::ZoneFollowStatus& z : status) {
    out->Sample("caawatch_zone_refresh_failing", {{"zone", z.zone}}, z.last_error.empty() ? 0 : 1);
  }
}

// The heap as the allocator splits it: beside the RSS, it tells what caawatch holds from what
// the allocator keeps for reuse after a burst.
void HeapSeries(Exposition* out) {
  const std::optional<HeapUsage> heap = ReadHeapUsage();
  if (!heap) return;
  out->Family("caawatch_heap_bytes", MetricType::kGauge,
              "Heap bytes by state: in_use (held by caawatch), free_small and free_pages (freed, "
              "kept by the allocator for reuse, resident), released (given back to the system).");
  out->Sample("caawatch_heap_bytes", {{"state", "in_use"}}, static_cast<double>(heap->in_use));
  out->Sample("caawatch_heap_bytes", {{"state", "free_small"}},
              static_cast<double>(heap->free_small));
  out->Sample("caawatch_heap_bytes", {{"state", "free_pages"}},
              static_cast<double>(heap->free_pages));
  out->Sample("caawatch_heap_bytes", {{"state", "released"}}, static_cast<double>(heap->released));
}

}  // namespace

server::MetricsEndpointOptions MetricsEndpointOptionsFor(const MonitorConfig& config) {
  server::MetricsEndpointOptions options;
  options.listen = config.metrics_listen;
  options.tls_cert_file = config.grpc_tls_cert;
  options.tls_key_file = config.grpc_tls_key;
  return options;
}

absl::Status CheckMetricsListen(const MonitorConfig& config) {
  if (config.metrics_listen.empty()) return absl::OkStatus();
  return server::MetricsEndpoint::Check(MetricsEndpointOptionsFor(config));
}

void MonitorMetrics::AddWorker(const tail::LogWorker* worker) {
  absl::MutexLock lock(&mu_);
  workers_.push_back(worker);
}

void MonitorMetrics::RemoveWorker(const tail::LogWorker* worker) {
  absl::MutexLock lock(&mu_);
  workers_.erase(std::remove(workers_.begin(), workers_.end(), worker), workers_.end());
}

void MonitorMetrics::CaaPollEnded(const judge::CaaPollStats& stats, absl::Time ended) {
  poll_names_ = stats.names;
  poll_failures_ = stats.failures;
  poll_ended_unix_ms_ = absl::ToUnixMillis(ended);
  ++polls_;
}

std::string MonitorMetrics::Render() {
  Exposition out;
  store::Store* store = pipeline_->store();
  bool failed = false;
  out.Family("caawatch_build_info", MetricType::kGauge,
             "1, labelled with the version and the git revision of the build.");
  out.Sample("caawatch_build_info", {{"version", BuildVersion()}, {"revision", BuildRevision()}},
             1);
  LogSeries(store, pipeline_->clock()->Now(), &out, &failed);
  {
    absl::MutexLock lock(&mu_);  // Held while reading: RemoveWorker waits before a worker goes.
    WorkerSeries(workers_, &out);
  }
  FindingSeries(store, &out, &failed);
  CaaLookupSeries(pipeline_->observer()->lookup_counts(), &out);
  out.Family("caawatch_caa_polls_total", MetricType::kCounter,
             "Full CAA polls of the watched names completed by this process.");
  out.Sample("caawatch_caa_polls_total", static_cast<double>(polls_.load()));
  out.Family("caawatch_caa_poll_names", MetricType::kGauge,
             "Names the latest full CAA poll looked up (those answered within the poll interval "
             "are left out).");
  out.Sample("caawatch_caa_poll_names", static_cast<double>(poll_names_.load()));
  out.Family("caawatch_caa_poll_failures", MetricType::kGauge,
             "Names the latest full CAA poll got no answer for.");
  out.Sample("caawatch_caa_poll_failures", static_cast<double>(poll_failures_.load()));
  if (const int64_t ms = poll_ended_unix_ms_.load(); ms != 0) {
    out.Family("caawatch_caa_poll_last_end_timestamp_seconds", MetricType::kGauge,
               "When the latest full CAA poll ended.");
    out.Sample("caawatch_caa_poll_last_end_timestamp_seconds", static_cast<double>(ms) / 1000);
  }
  SinkSeries(store, &out, &failed);
  out.Family("caawatch_watched_names", MetricType::kGauge,
             "Watch entries in force (static and stored).");
  out.Sample("caawatch_watched_names",
             static_cast<double>(pipeline_->watches()->Current()->size()));
  ZoneSeries(*pipeline_->zones(), &out);
  HeapSeries(&out);
  if (failed) ++scrape_errors_;
  out.Family("caawatch_scrape_errors_total", MetricType::kCounter,
             "Scrapes that left series out because the store could not be read.");
  out.Sample("caawatch_scrape_errors_total", static_cast<double>(scrape_errors_.load()));
  return out.text();
}

}  // namespace caawatch::monitor
