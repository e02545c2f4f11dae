#include "monitor/pipeline.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "caa/issuer_map.h"
#include "caa/issuer_store.h"
#include "caa/unbound_resolver.h"
#include "ctlog/http_fetcher.h"
#include "judge/zone_cross_check.h"
#include "monitor/caa_queries.h"
#include "monitor/witness_config.h"
#include "monitor/zones_config.h"

namespace caawatch::monitor {

Pipeline::Pipeline(const MonitorConfig& config, const Clock* clock, const Logger* logger)
    : config_(config), clock_(clock), logger_(logger) {}

Pipeline::~Pipeline() = default;

absl::StatusOr<std::unique_ptr<Pipeline>> Pipeline::Create(const MonitorConfig& config,
                                                           watch::Watchlist static_watches,
                                                           const Clock* clock, const Logger* logger,
                                                           PipelineHooks hooks) {
  std::unique_ptr<Pipeline> p(new Pipeline(config, clock, logger));
  CAAWATCH_ASSIGN_OR_RETURN(p->store_, store::Store::Open(config.data_dir));

  CAAWATCH_ASSIGN_OR_RETURN(p->resolver_,
                            caa::UnboundResolver::Create(ResolverOptionsFor(config), clock));
  if (hooks.wrap_resolver) p->resolver_ = hooks.wrap_resolver(std::move(p->resolver_));
  // The built-in CA map, extended by `caawatch issuers import` (re-read while running).
  CAAWATCH_ASSIGN_OR_RETURN(caa::IssuerMap issuers, caa::LoadIssuerMap(config.data_dir));
  p->issuers_ = std::make_unique<judge::IssuerSource>(
      std::move(issuers), [dir = config.data_dir] { return caa::LoadIssuerMap(dir); });

  judge::CaaObserverOptions observer_options;
  // Two missed polls make a gap; one late poll does not.
  observer_options.max_gap = 2 * config.caa_poll_interval + absl::Minutes(5);
  Pipeline* self = p.get();
  observer_options.on_new_observation = [self](const judge::NewObservation& n) {
    if (self->reevaluator_ != nullptr) self->reevaluator_->Note(n);
    if (self->renewal_guard_ != nullptr) self->renewal_guard_->Note(n);
  };
  const auto note_zone_change = observer_options.on_new_observation;
  // Every lookup answer for a name in a followed zone is checked against the zone (issue 18):
  // a disagreement is recorded in the zone's status (`status`, `zones status`) and logged
  // when it is news.
  observer_options.on_answer_recorded = [self](const std::string& query_name) {
    if (self->zone_history_ == nullptr || self->zones_ == nullptr) return;
    const std::optional<std::string> zone = self->zone_history_->ZoneOf(query_name);
    if (!zone) return;
    absl::StatusOr<std::optional<std::string>> differs =
        judge::CrossCheckLookup(*self->zone_history_, self->store_.get(), query_name);
    if (!differs.ok()) {
      self->logger_->Log(LogLevel::kWarning, "zones",
                         absl::StrCat("cross-check: ", differs.status().message()));
    } else if (differs->has_value() && self->zones_->NoteDisagreement(*zone, **differs)) {
      self->logger_->Log(LogLevel::kWarning, "zones",
                         absl::StrCat("a lookup disagrees with the followed zone (is the world "
                                      "served another zone than caawatch?): ",
                                      **differs));
    }
  };
  p->observer_ = std::make_unique<judge::CaaObserver>(p->resolver_.get(), &p->store_->caa_history(),
                                                      clock, observer_options);
  p->evaluator_ = std::make_unique<judge::IssuanceEvaluator>(p->issuers_.get(), p->observer_.get());
  p->watches_ =
      std::make_unique<judge::WatchSource>(std::move(static_watches), &p->store_->watches());
  CAAWATCH_RETURN_IF_ERROR(Annotate(p->ReloadWatches(), "load the stored watchlist"));

  judge::ReevaluatorDeps reevaluator_deps;
  reevaluator_deps.findings = &p->store_->findings();
  reevaluator_deps.evaluator = p->evaluator_.get();
  reevaluator_deps.watches = p->watches_.get();
  reevaluator_deps.alerts = &p->alerts_;
  reevaluator_deps.clock = clock;
  reevaluator_deps.logger = logger;
  p->reevaluator_ =
      std::make_unique<judge::Reevaluator>(reevaluator_deps, hooks.reevaluator_options);

  // Followed zones (issue 18): their records judge the names in them.
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<judge::FollowedZoneSettings> zones,
                            FollowedZoneSettingsOf(config.zones));
  std::vector<std::string> zone_names;
  for (const judge::FollowedZoneSettings& z : zones) zone_names.push_back(z.zone);
  p->zone_history_ =
      std::make_unique<judge::ZoneHistory>(p->store_.get(), zone_names, observer_options.max_gap);
  if (!zone_names.empty()) p->evaluator_->FollowZones(p->zone_history_.get());
  judge::RenewalGuardDeps guard_deps;
  guard_deps.store = p->store_.get();
  guard_deps.zones = zone_names.empty() ? nullptr : p->zone_history_.get();
  guard_deps.alerts = &p->alerts_;
  guard_deps.clock = clock;
  guard_deps.logger = logger;
  p->renewal_guard_ = std::make_unique<judge::RenewalGuard>(guard_deps);
  p->zones_ = std::make_unique<judge::ZoneFollowers>(
      std::move(zones), p->store_.get(), clock, logger, observer_options.max_gap, note_zone_change);
  return p;
}

absl::Status Pipeline::ReloadWatches() {
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<std::string> skipped, watches_->Reload());
  for (const std::string& message : skipped) logger_->Log(LogLevel::kWarning, "watch", message);
  return absl::OkStatus();
}

tail::LogWorkerDeps Pipeline::worker_deps() {
  tail::LogWorkerDeps deps;
  deps.store = store_.get();
  deps.evaluator = evaluator_.get();
  deps.watches = watches_.get();
  deps.alerts = &alerts_;
  deps.clock = clock_;
  deps.logger = logger_;
  deps.pacing_clock = clock_;
  return deps;
}

tail::LogWorkerOptions Pipeline::worker_options() const {
  tail::LogWorkerOptions options;
  options.poll_interval = config_.sth_poll_interval;
  // Ten polls missed in a row, and never under 5 s: a log is stale well before anyone waits
  // for an alert from it, not at every slow request.
  options.stale_after = std::max(config_.sth_poll_interval * 10, absl::Seconds(5));
  options.batch_size = config_.batch_size;
  options.max_held_findings = std::max<uint32_t>(config_.max_held_findings, 1);
  options.start_at = config_.start_at;
  options.pacing.max_requests_per_second = config_.max_requests_per_second;
  return options;
}

absl::StatusOr<std::unique_ptr<tail::LogWorker>> Pipeline::NewWorker(const ctlog::LogInfo& listed,
                                                                     double published_rate) {
  ctlog::LogInfo log = listed;
  if (const auto tiles = config_.log_tiles.find(log.url);
      tiles != config_.log_tiles.end() && log.kind == ctlog::LogKind::kRfc6962) {
    log.tiles_url = absl::EndsWith(tiles->second, "/") ? tiles->second : tiles->second + "/";
  }
  if (!log.tiles_url.empty()) {
    logger_->Log(LogLevel::kInfo, log.description,
                 absl::StrCat("reading entries through its tiles at ", log.tiles_url,
                              " (its RFC 6962 STH is verified against the tree they build)"));
  }
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create(config_.log_ca_file));
  tail::LogWorkerOptions options = worker_options();
  options.witnesses = WitnessPolicyFor(config_.witnesses, config_.witness_quorum, log);
  if (const std::string dropped = DropUnmeetableQuorum(log, &options.witnesses); !dropped.empty()) {
    logger_->Log(LogLevel::kError, log.description, dropped);
  }
  options.witness_check_interval = config_.witness_check_interval;
  double& rate = options.pacing.max_requests_per_second;  // 0 = no limit.
  if (published_rate > 0 && (rate <= 0 || published_rate < rate)) {
    rate = published_rate;
    logger_->Log(LogLevel::kInfo, log.description,
                 absl::StrCat("at most ", rate, " requests/s, as the log list says"));
  }
  auto worker = std::make_unique<tail::LogWorker>(log, std::move(fetcher), worker_deps(), options);
  if (log.state == ctlog::LogState::kReadOnly && log.final_tree_size > 0) {
    worker->Finish(log.final_tree_size);
  }
  return worker;
}

}  // namespace caawatch::monitor
