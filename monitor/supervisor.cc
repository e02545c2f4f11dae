#include "monitor/supervisor.h"

#include <grpc/support/time.h>
#include <grpcpp/health_check_service_interface.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "ctlog/pem.h"
#include "judge/caa_check.h"
#include "judge/caa_poll.h"
#include "judge/discovered_names.h"
#include "judge/notify_listener.h"
#include "judge/reevaluator.h"
#include "judge/watch_source.h"
#include "monitor/evidence_files.h"
#include "monitor/heads_peer_loop.h"
#include "monitor/monitor_metrics.h"
#include "monitor/open_file_limit.h"
#include "monitor/pipeline.h"
#include "monitor/proof_loop.h"
#include "monitor/release_free_memory.h"
#include "monitor/retention_loop.h"
#include "monitor/revocation_loop.h"
#include "monitor/service_notices.h"
#include "monitor/zone_health.h"
#include "notify/delivery.h"
#include "server/caa_check_service.h"
#include "server/grpc_server.h"
#include "server/metrics_endpoint.h"
#include "server/service.h"
#include "store/holder.h"
#include "store/store.h"
#include "tail/log_list_source.h"
#include "tail/log_worker.h"
#include "watch/watchlist.h"

namespace caawatch::monitor {
namespace {

// tcmalloc keeps every page it freed for reuse: a burst (oversized log responses, gRPC streams
// and their connections ending after the streams' own release) would otherwise stay in the
// RSS for good. Releasing costs a walk of the free lists; pages in use are untouched.
constexpr absl::Duration kReleaseFreeMemoryInterval = absl::Seconds(10);

// While no log is reachable, how often that is said in one line.
constexpr absl::Duration kUnreachableSummaryInterval = absl::Minutes(1);
// While the latest CAA poll got no answer, how soon it is tried again.
constexpr absl::Duration kUnansweredRepoll = absl::Minutes(1);
// How often the gRPC health service is brought up to date.
constexpr absl::Duration kHealthInterval = absl::Seconds(1);
// The service name health checks ask for (proto package and service).
constexpr absl::string_view kMonitorServiceName = "caawatch.v1.Monitor";

// Whether `log` is tailed when it first appears: tailable by its state, and chosen by log_filter.
bool Wanted(const MonitorConfig& config, const ctlog::LogInfo& log) {
  if (!ctlog::IsTailable(log)) return false;
  return config.log_filter.empty() ||
         std::any_of(config.log_filter.begin(), config.log_filter.end(), [&](const std::string& f) {
           return absl::StrContains(log.url, f) || absl::StrContains(log.description, f);
         });
}

std::string LogKey(const ctlog::LogInfo& log) {
  return std::string(log.log_id.begin(), log.log_id.end());
}

// The log no longer grows: read-only (up to its final tree head) or retired (up to what it
// serves now). Temporal intervals need nothing: a shard past its interval stops growing by
// itself and is followed to its end like any other log.
bool Frozen(const ctlog::LogInfo& log) {
  return log.state == ctlog::LogState::kReadOnly || log.state == ctlog::LogState::kRetired;
}

}  // namespace

class SupervisorParts {
 public:
  MonitorConfig config;
  const Clock* clock = nullptr;
  const Logger* logger = nullptr;
  std::unique_ptr<Pipeline> pipeline;
  std::unique_ptr<tail::LogListSource> log_list;
  std::vector<std::unique_ptr<tail::LogWorker>> workers;  // Built from the list at start.
  std::unique_ptr<notify::Delivery> delivery;             // The notification sinks (SPEC §6).
  std::unique_ptr<MonitorMetrics> metrics;                // What /metrics shows (SPEC §7).
  // The log list at start: where the proof keeper fetches findings' proofs (SPEC §8).
  std::vector<ctlog::LogInfo> logs;
  // Wakes the CAA poller early: the watchlist changed (new names to observe) or Run() stops.
  absl::Mutex poll_mu;
  bool watches_changed ABSL_GUARDED_BY(poll_mu) = false;
  bool stopping ABSL_GUARDED_BY(poll_mu) = false;
  bool PollerShouldWake() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(poll_mu) {
    return watches_changed || stopping;
  }
};

// A worker running on its own thread under Run(), with its own stop.
struct RunningLog {
  ctlog::LogInfo info;
  std::unique_ptr<tail::LogWorker> worker;
  absl::Notification stop;
  absl::Notification ended;  // Run() has returned: joining `thread` does not wait.
  std::thread thread;
};

Supervisor::Supervisor(std::unique_ptr<SupervisorParts> parts) : parts_(std::move(parts)) {}
Supervisor::~Supervisor() = default;

absl::StatusOr<std::unique_ptr<Supervisor>> Supervisor::Create(const MonitorConfig& config,
                                                               watch::Watchlist static_watches,
                                                               const Clock* clock,
                                                               const Logger* logger) {
  if (!config.log_ca_file.empty()) {
    // Checked once here: libcurl would only fail every request to every https log, retried.
    CAAWATCH_ASSIGN_OR_RETURN(const std::string pem,
                              ReadBoundedFile(config.log_ca_file, size_t{4} << 20, "log_ca_file"));
    if (ctlog::PemCertificates(pem).empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("log_ca_file ", QuoteInput(config.log_ca_file),
                       ": no PEM certificate (\"-----BEGIN CERTIFICATE-----\") in it"));
    }
  }
  auto parts = std::make_unique<SupervisorParts>();
  parts->config = config;
  parts->clock = clock;
  parts->logger = logger;
  CAAWATCH_ASSIGN_OR_RETURN(parts->pipeline,
                            Pipeline::Create(config, std::move(static_watches), clock, logger));
  {
    const judge::WatchSource& watches = *parts->pipeline->watches();
    const std::shared_ptr<const watch::Watchlist> list = watches.Current();
    logger->Log(
        LogLevel::kInfo, "watch",
        absl::StrCat(list->size(), " watch entries (", watches.static_list()->size(), " static), ",
                     list->search_name_count() - 1, " names on their CAA search paths, ",
                     absl::StrFormat("%.1f", list->MemoryBytes() / 1048576.0), " MiB of index"));
    // Counted with the stored entries: a watchlist kept by `caawatch watch add` is one too.
    if (list->size() == 0) {
      logger->Log(LogLevel::kWarning, "run",
                  "no names watched yet: add some with --watch NAME, --watchlist FILE or "
                  "`caawatch watch add NAME`; logs are still tailed and verified");
    }
  }

  std::unique_ptr<ctlog::HttpFetcher> list_fetcher;
  if (tail::LogListSource::IsUrl(config.log_list)) {
    CAAWATCH_ASSIGN_OR_RETURN(list_fetcher, ctlog::CurlHttpFetcher::Create(config.log_ca_file));
  }
  parts->log_list =
      std::make_unique<tail::LogListSource>(config.log_list, std::move(list_fetcher), logger);
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::LogInfo> logs, parts->log_list->Load());
  parts->logs = logs;
  for (const ctlog::LogInfo& log : logs) {
    if (!Wanted(config, log)) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<tail::LogWorker> worker,
                              parts->pipeline->NewWorker(log, parts->log_list->PublishedRate(log)));
    parts->workers.push_back(std::move(worker));
  }
  if (parts->workers.empty()) {
    return absl::InvalidArgumentError("the log list has no usable log");
  }
  logger->Log(LogLevel::kInfo, "loglist",
              absl::StrCat("using ", parts->log_list->description(), ": ", logs.size(), " logs, ",
                           parts->workers.size(), " tailed"));
  // Before any log is tailed: a new sink's cursor is placed (and synced) at the last finding.
  CAAWATCH_ASSIGN_OR_RETURN(
      parts->delivery,
      notify::Delivery::Create(
          config.notify, config.data_dir + "/notify", parts->pipeline->store(), clock, logger,
          [watches = parts->pipeline->watches()] { return watches->Current()->size(); },
          // certspotter's WATCH_ITEM: the item of the current watchlist that a watched name hits.
          [watches = parts->pipeline->watches()](const store::FindingRecord& finding) {
            const std::shared_ptr<const watch::Watchlist> list = watches->Current();
            for (const std::string& name : finding.watched_names()) {
              const std::vector<watch::Match> matches = list->MatchName(name);
              if (!matches.empty()) return matches.front().item.Name();
            }
            return std::string();
          }));
  parts->metrics = std::make_unique<MonitorMetrics>(parts->pipeline.get());
  if (parts->delivery->size() > 0) {
    logger->Log(LogLevel::kInfo, "notify",
                absl::StrCat(parts->delivery->size(), " notification sinks"));
  }
  return absl::WrapUnique(new Supervisor(std::move(parts)));
}

absl::StatusOr<absl::Duration> Supervisor::ObserveWatchedNames(
    const watch::Watchlist* already_observed, std::function<bool()> stop) {
  const std::shared_ptr<const watch::Watchlist> watchlist = parts_->pipeline->watches()->Current();
  const absl::Duration interval = parts_->config.caa_poll_interval;
  judge::CaaPollOptions options;
  options.stop = std::move(stop);
  options.ledger = &parts_->pipeline->store()->caa_polls();
  options.clock = parts_->clock;
  // A name answered a little less than an interval ago is polled now rather than on its own a
  // few minutes later: the grace keeps the names of one poll together in the next.
  options.fresh_for = interval - std::min(interval / 10, absl::Minutes(10));
  CAAWATCH_ASSIGN_OR_RETURN(
      const judge::CaaPollStats stats,
      judge::PollWatchlistCaa(*watchlist, already_observed, parts_->pipeline->observer(),
                              parts_->logger, options));
  if (already_observed == nullptr && !stats.stopped) {
    parts_->metrics->CaaPollEnded(stats, parts_->clock->Now());
  }
  if (stats.names > 0 && !stats.stopped) {
    const bool unanswered = stats.failures == stats.names;
    const bool was_unanswered = caa_unanswered_.exchange(unanswered);
    // The first poll says how CAA fares at all; later ones only when that changes.
    if (!first_poll_logged_.exchange(true) || unanswered != was_unanswered) {
      parts_->logger->Log(unanswered           ? LogLevel::kError
                          : stats.failures > 0 ? LogLevel::kWarning
                                               : LogLevel::kInfo,
                          "caa",
                          absl::StrCat(already_observed == nullptr ? "CAA poll: " : "CAA lookup: ",
                                       judge::CaaPollSummary(stats)));
    }
  }
  if (stats.skipped_fresh > 0 && stats.names == 0) {
    caa_unanswered_ = false;  // Every name has a recent answer.
    parts_->logger->Log(
        LogLevel::kInfo, "caa",
        absl::StrFormat("poll: all %d names were answered within the poll interval (%s); next "
                        "poll due at %s",
                        stats.skipped_fresh, absl::FormatDuration(interval),
                        absl::FormatTime(absl::RFC3339_sec, stats.oldest_skipped + interval,
                                         absl::UTCTimeZone())));
  }
  absl::Time oldest_skipped = stats.oldest_skipped;
  if (already_observed == nullptr) {
    // Subtree discovery (issue 18): the names recent certificates under watched subtrees
    // showed, polled like the watched ones (the ledger skips those answered recently).
    judge::DiscoveryOptions discovery;
    discovery.expiry = parts_->config.discovered_name_expiry;
    discovery.max_names = parts_->config.max_discovered_names;
    CAAWATCH_ASSIGN_OR_RETURN(const watch::Watchlist discovered,
                              judge::DiscoveredNames(parts_->pipeline->store(), *watchlist,
                                                     parts_->clock->Now(), discovery));
    if (discovered.size() > 0) {
      CAAWATCH_ASSIGN_OR_RETURN(
          const judge::CaaPollStats found,
          judge::PollWatchlistCaa(discovered, watchlist.get(), parts_->pipeline->observer(),
                                  parts_->logger, options));
      oldest_skipped = std::min(oldest_skipped, found.oldest_skipped);
    }
  }
  // The skipped names are due one interval after their last answer.
  const absl::Time now = parts_->clock->Now();
  return std::min(now, oldest_skipped) + interval - now;
}

absl::Status Supervisor::WatchesChanged() {
  const absl::Status status = parts_->pipeline->ReloadWatches();
  if (!status.ok()) {
    parts_->logger->Log(LogLevel::kError, "watch", std::string(status.message()));
    return status;
  }
  absl::MutexLock lock(&parts_->poll_mu);
  parts_->watches_changed = true;
  return absl::OkStatus();
}

absl::Status Supervisor::ReplaceStaticWatches(watch::Watchlist static_watches) {
  absl::StatusOr<std::vector<std::string>> skipped =
      parts_->pipeline->watches()->ReplaceStatic(std::move(static_watches));
  if (!skipped.ok()) {
    parts_->logger->Log(LogLevel::kError, "watch", std::string(skipped.status().message()));
    return skipped.status();
  }
  for (const std::string& message : *skipped) {
    parts_->logger->Log(LogLevel::kWarning, "watch", message);
  }
  absl::MutexLock lock(&parts_->poll_mu);
  parts_->watches_changed = true;
  return absl::OkStatus();
}

void Supervisor::ReevaluateUnknownIssuers() {
  absl::StatusOr<judge::ReevaluationStats> stats =
      parts_->pipeline->reevaluator()->ReevaluateUnknownIssuers();
  if (!stats.ok()) {
    parts_->logger->Log(LogLevel::kWarning, "reevaluate", std::string(stats.status().message()));
  }
}

void Supervisor::ReevaluateOnNewObservations() {
  absl::StatusOr<judge::ReevaluationStats> stats = parts_->pipeline->reevaluator()->RunPending();
  if (!stats.ok()) {
    parts_->logger->Log(LogLevel::kWarning, "reevaluate", std::string(stats.status().message()));
  }
  // After the re-evaluation: a renewal warning is only for issuances CAA still allowed.
  absl::StatusOr<size_t> renewals = parts_->pipeline->renewal_guard()->RunPending();
  if (!renewals.ok()) {
    parts_->logger->Log(LogLevel::kWarning, "renewal", std::string(renewals.status().message()));
  }
}

void Supervisor::PollCaa() {
  SupervisorParts* p = parts_.get();
  const Clock& clock = *p->clock;
  const auto stopping = [p] {
    absl::MutexLock lock(&p->poll_mu);
    return p->stopping;
  };
  // Polls, and says when the next full poll is due; a failed poll (the store) is logged and
  // tried again one interval later.
  const auto poll = [&](const watch::Watchlist* already_observed) {
    const absl::StatusOr<absl::Duration> due_in = ObserveWatchedNames(already_observed, stopping);
    // While no name gets an answer, the names are asked again every minute, not every
    // caa_poll_interval: the health says NOT_SERVING until one does.
    if (due_in.ok()) {
      return clock.Now() + (caa_unanswered_ ? std::min(*due_in, kUnansweredRepoll) : *due_in);
    }
    parts_->logger->Log(LogLevel::kWarning, "caa",
                        absl::StrCat("poll: ", due_in.status().message()));
    return clock.Now() + parts_->config.caa_poll_interval;
  };
  std::shared_ptr<const watch::Watchlist> observed = parts_->pipeline->watches()->Current();
  absl::Time next_poll = poll(nullptr);
  initial_poll_done_.Notify();
  for (;;) {
    // Wakes for an added watch, every reevaluate_interval for late data (new observations, a
    // changed CA map), and when a CAA poll is due.
    const absl::Time wake = std::min(next_poll, clock.Now() + parts_->config.reevaluate_interval);
    {
      absl::MutexLock lock(&p->poll_mu);
      clock.AwaitWithDeadline(&p->poll_mu, absl::Condition(p, &SupervisorParts::PollerShouldWake),
                              wake);
      if (p->stopping) return;
      p->watches_changed = false;
    }
    // A full poll when due; otherwise only the names added since the last look, so a name
    // added while running has its CAA observed within seconds, before its certificates come.
    const bool due = clock.Now() >= next_poll;
    std::shared_ptr<const watch::Watchlist> current = parts_->pipeline->watches()->Current();
    const absl::Time polled_due = poll(due ? nullptr : observed.get());
    observed = std::move(current);
    if (due) next_poll = polled_due;
    absl::StatusOr<bool> changed = parts_->pipeline->issuers()->Reload();
    if (!changed.ok()) {
      parts_->logger->Log(LogLevel::kWarning, "issuers", std::string(changed.status().message()));
    }
    if (changed.ok() && *changed) ReevaluateUnknownIssuers();
    ReevaluateOnNewObservations();
  }
}

absl::Status Supervisor::RunOnce(const absl::Notification& stop, RunOnceSummary* summary) {
  store::Store& store = *parts_->pipeline->store();
  CAAWATCH_ASSIGN_OR_RETURN(const uint64_t seq_before, store.findings().LastSeq());
  // Followed zones: one refresh, so that the entries read are judged against the zones now.
  parts_->pipeline->zones()->RefreshDue();
  // Alongside the logs, not before them (see the header); joined before anything returns.
  absl::Status polled;
  std::thread poller([&] {
    polled = ObserveWatchedNames(nullptr, [&stop] { return stop.HasBeenNotified(); }).status();
  });
  std::vector<absl::Status> results(parts_->workers.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < parts_->workers.size(); ++i) {
    threads.emplace_back([&, i] {
      tail::LogWorker& worker = *parts_->workers[i];
      absl::Duration backoff = absl::Seconds(1);
      for (int attempt = 0; attempt < 4 && !stop.HasBeenNotified(); ++attempt) {
        // The target is the tree size at the first successful get-sth: a log that grows
        // meanwhile is not chased.
        results[i] = worker.CatchUp(stop, worker.latest_tree_size());
        if (results[i].ok() || !absl::IsUnavailable(results[i])) break;
        // Said once a log; a list of unreachable logs is summed up at the end.
        parts_->logger->Log(attempt == 0 ? LogLevel::kWarning : LogLevel::kDebug,
                            worker.log().description,
                            absl::StrCat(results[i].message(), " (retrying)"));
        parts_->clock->WaitForNotification(stop, parts_->clock->Now() + backoff);
        backoff *= 2;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  poller.join();
  if (summary != nullptr) {
    for (const auto& worker : parts_->workers) {
      summary->entries_read.emplace_back(worker->log().description, worker->entries_read());
    }
  }
  CAAWATCH_RETURN_IF_ERROR(Annotate(polled, "CAA poll of the watched names"));
  ReevaluateUnknownIssuers();
  ReevaluateOnNewObservations();
  // One revocation round for the forbidden and likely_forbidden findings, this run's too
  // (SPEC §8): a cron job follows them as `run` does, once a run. Logged there; not fatal.
  if (!stop.HasBeenNotified()) {
    RunRevocationRound(parts_->pipeline->store(), parts_->clock, parts_->logger, stop,
                       parts_->pipeline->issuers())
        .IgnoreError();
  }
  if (summary != nullptr) {
    // Every finding stored (or re-alerted) since the start, a page at a time.
    store::FindingQuery query;
    query.after_seq = seq_before;
    for (;;) {
      CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::FindingRecord> page,
                                store.findings().List(query));
      for (const store::FindingRecord& f : page) {
        ++summary->findings_by_verdict[f.verdict()];
        ++summary->findings_by_severity[f.severity()];
      }
      if (page.size() < query.limit) break;
      query.after_seq = page.back().seq();
    }
  }
  // SPEC §8: the proofs of this run's findings are stored before it returns, while the logs
  // still serve them; a log that does not answer leaves them pending for the next run.
  absl::StatusOr<size_t> proofs_pending = ProofLoop::RunUntilSettled(
      &store, parts_->logs, parts_->config.log_ca_file, parts_->clock, parts_->logger);
  if (!proofs_pending.ok()) {
    parts_->logger->Log(LogLevel::kError, "evidence",
                        std::string(proofs_pending.status().message()));
  }
  // SPEC §6: every sink catches up (or uses its retries) before `run --once` returns.
  const absl::Status delivered = parts_->delivery->CatchUp(stop);
  if (!delivered.ok()) {
    parts_->logger->Log(LogLevel::kError, "notify", std::string(delivered.message()));
  }
  absl::Status first_error;
  size_t failed = 0;
  for (const absl::Status& result : results) failed += result.ok() ? 0 : 1;
  for (size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) continue;
    // Every log failing is one line, not one per log.
    if (failed < results.size()) {
      parts_->logger->Log(LogLevel::kError, parts_->workers[i]->log().description,
                          std::string(results[i].message()));
    }
    if (first_error.ok()) first_error = results[i];
  }
  if (failed > 0 && failed == results.size()) {
    return absl::Status(
        first_error.code(),
        absl::StrCat("0/", results.size(), " logs reachable; first: ",
                     parts_->workers[0]->log().description, ": ", first_error.message()));
  }
  if (failed > 0) {
    return absl::Status(first_error.code(), absl::StrCat(failed, " of ", results.size(),
                                                         " logs could not be processed; first: ",
                                                         first_error.message()));
  }
  return delivered;
}

std::vector<LogProgress> Supervisor::Progress() const {
  std::vector<LogProgress> out;
  for (const auto& worker : parts_->workers) {  // Moved out by Run() only.
    const ctlog::LogInfo& log = worker->log();
    out.push_back({log.description.empty() ? log.url : log.description, worker->position(),
                   worker->latest_tree_size()});
  }
  return out;
}

std::string Supervisor::Blindness(const std::vector<const tail::LogWorker*>& workers) const {
  if (caa_unanswered_) return "no watched name's CAA could be looked up at the latest poll";
  if (std::string zones = ZoneBlindness(*parts_->pipeline->zones(), parts_->clock->Now());
      !zones.empty()) {
    return zones;
  }
  if (workers.empty()) return "";
  for (const tail::LogWorker* w : workers) {
    if (!w->health().Stale()) return "";
  }
  return absl::StrCat("every log (", workers.size(),
                      ") is stale; first: ", workers.front()->log().description, ": ",
                      workers.front()->health().last_error());
}

void Supervisor::StartLog(RunningLog* log) {
  // A store error stops every log (Halt); a finished or stopped log just ends.
  log->thread = std::thread([this, log] {
    absl::Status status = log->worker->Run(log->stop);
    if (!status.ok()) Halt(std::move(status));
    log->ended.Notify();
  });
}

// Applies a changed log list: new logs start, logs that stopped growing are finished, logs that
// left the list (or were rejected) stop. A list that cannot be fetched leaves everything as is.
void Supervisor::RefreshLogList(std::map<std::string, std::unique_ptr<RunningLog>>* running) {
  const Logger& logger = *parts_->logger;
  absl::StatusOr<std::optional<std::vector<ctlog::LogInfo>>> refreshed =
      parts_->log_list->Refresh();
  if (!refreshed.ok()) {
    logger.Log(LogLevel::kWarning, "loglist", std::string(refreshed.status().message()));
    return;
  }
  if (!refreshed->has_value()) return;  // Unchanged (304) or not a URL.
  std::set<std::string> listed;
  for (const ctlog::LogInfo& log : **refreshed) {
    const std::string id = LogKey(log);
    listed.insert(id);
    auto it = running->find(id);
    if (it != running->end()) {
      RunningLog& r = *it->second;
      if (Frozen(log) && !Frozen(r.info)) {
        logger.Log(LogLevel::kInfo, log.description,
                   absl::StrCat("now ", ctlog::LogStateName(log.state), ": finishing"));
        r.worker->Finish(log.state == ctlog::LogState::kReadOnly ? log.final_tree_size : 0);
      }
      r.info = log;
      continue;
    }
    if (!Wanted(parts_->config, log)) continue;
    absl::StatusOr<std::unique_ptr<tail::LogWorker>> worker =
        parts_->pipeline->NewWorker(log, parts_->log_list->PublishedRate(log));
    if (!worker.ok()) {
      logger.Log(LogLevel::kError, log.description, std::string(worker.status().message()));
      continue;
    }
    logger.Log(LogLevel::kInfo, log.description, "new in the log list: tailing");
    auto r = std::make_unique<RunningLog>();
    r->info = log;
    r->worker = *std::move(worker);
    parts_->metrics->AddWorker(r->worker.get());
    StartLog(r.get());
    running->emplace(id, std::move(r));
  }
  for (auto it = running->begin(); it != running->end();) {
    RunningLog& r = *it->second;
    const bool gone = !listed.contains(it->first) || r.info.state == ctlog::LogState::kRejected;
    if (gone) {
      logger.Log(LogLevel::kInfo, r.info.description, "left the log list: stopped");
      r.stop.Notify();
    }
    // A finished worker ends at its next poll; until then it waits on the clock, so the join
    // waits for the refresh after that rather than hold up this loop.
    if (gone || r.ended.HasBeenNotified()) {
      r.thread.join();
      parts_->metrics->RemoveWorker(r.worker.get());
      it = running->erase(it);
    } else {
      ++it;
    }
  }
}

absl::Status Supervisor::Run(const absl::Notification& stop, const ServiceManager* manager) {
  ServiceNotices notices(manager);
  {
    // Before the first subscriber or connection: a shell's default limit (1,024) is below what
    // the defaults allow.
    CAAWATCH_ASSIGN_OR_RETURN(const OpenFileLimit files,
                              RaiseOpenFileLimit(OpenFilesNeeded(
                                  parts_->workers.size(), parts_->config.grpc_max_subscribers)));
    const LogLevel level = !files.enough()                   ? LogLevel::kWarning
                           : files.soft != files.soft_before ? LogLevel::kInfo
                                                             : LogLevel::kDebug;
    parts_->logger->Log(level, "run", files.Describe());
  }
  judge::CaaChecker checker(parts_->pipeline->resolver(),
                            &parts_->pipeline->store()->caa_history());
  // CheckCaa at a time judges names in followed zones by the zones' records, as `caa check
  // --at` and the evaluation of certificates do (issue 18).
  if (!parts_->pipeline->zones()->empty()) checker.FollowZones(parts_->pipeline->zone_history());
  server::CaaCheckService caa_service(&checker);
  server::MonitorServiceOptions service_options;
  service_options.store = parts_->pipeline->store();
  service_options.hub = parts_->pipeline->alerts();
  service_options.clock = parts_->clock;
  service_options.caa_backend = &caa_service;
  service_options.logger = parts_->logger;
  service_options.static_watches = [watches = parts_->pipeline->watches()] {
    return watches->static_list();
  };
  service_options.on_watch_changed = [this] { return WatchesChanged(); };
  service_options.max_subscribers = parts_->config.grpc_max_subscribers;
  service_options.zones = parts_->pipeline->zones();
  // SPEC §8: GetEvidence writes the bundle `caawatch evidence` writes.
  service_options.evidence = [this](const store::FindingRecord& finding,
                                    const std::string& finding_json) {
    return EvidenceBundleFiles(parts_->config, parts_->pipeline->store(), finding, finding_json,
                               parts_->clock->Now());
  };
  service_options.on_streams_freed = [] { ReleaseFreeMemory(); };
  server::MonitorService service(std::move(service_options));
  server::GrpcServerOptions grpc_options;
  grpc_options.listen = parts_->config.grpc_listen;
  grpc_options.tls_cert_file = parts_->config.grpc_tls_cert;
  grpc_options.tls_key_file = parts_->config.grpc_tls_key;
  grpc_options.client_ca_file = parts_->config.grpc_client_ca;
  grpc_options.bearer_tokens = parts_->config.grpc_tokens;
  CAAWATCH_ASSIGN_OR_RETURN(server::GrpcServerHandle server,
                            server::StartGrpcServer(grpc_options, &service));
  parts_->logger->Log(
      LogLevel::kInfo, "grpc",
      absl::StrCat("listening on ", parts_->config.grpc_listen, " (port ", server.port, ")"));
  std::unique_ptr<server::MetricsEndpoint> metrics_endpoint;
  if (!parts_->config.metrics_listen.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(metrics_endpoint,
                              server::MetricsEndpoint::Start(
                                  MetricsEndpointOptionsFor(parts_->config),
                                  [metrics = parts_->metrics.get()] { return metrics->Render(); }));
    parts_->logger->Log(LogLevel::kInfo, "metrics",
                        absl::StrCat("serving /metrics on ", metrics_endpoint->address(), " (port ",
                                     metrics_endpoint->port(), ")"));
  }
  // Beside the store's lock: commands find this monitor through it (store/holder.h). Removed
  // when Run returns; a crash leaves it stale, which the lock tells.
  absl::StatusOr<std::unique_ptr<store::StoreHolderRecord>> holder =
      store::StoreHolderRecord::Write(parts_->config.data_dir, server.address);
  if (!holder.ok()) {
    parts_->logger->Log(LogLevel::kWarning, "grpc",
                        absl::StrCat("commands will not find this monitor by its store: ",
                                     holder.status().message()));
  }
  grpc::HealthCheckServiceInterface* health = server.server->GetHealthCheckService();
  // Why the health service says NOT_SERVING, "" while serving; nullopt before it is first set.
  std::optional<std::string> blindness;
  const auto set_health = [&](std::string why) {
    if (blindness == why) return;
    if (blindness.has_value() || !why.empty()) {
      if (why.empty()) {
        parts_->logger->Log(LogLevel::kInfo, "health", "SERVING");
      } else {
        parts_->logger->Log(LogLevel::kError, "health", absl::StrCat("NOT_SERVING: ", why));
      }
    }
    if (notices.ready())
      notices.Status(why.empty() ? "tailing" : absl::StrCat("NOT_SERVING: ", why));
    if (health != nullptr) {
      health->SetServingStatus(why.empty());
      health->SetServingStatus(std::string(kMonitorServiceName), why.empty());
    }
    blindness = std::move(why);
  };
  set_health("");  // Until the logs have had stale_after to answer.
  // The CA map may have been extended while caawatch was not running.
  ReevaluateUnknownIssuers();
  // SPEC §8: forbidden and likely_forbidden certificates followed until revoked or expired.
  CAAWATCH_ASSIGN_OR_RETURN(
      std::unique_ptr<RevocationLoop> revocations,
      RevocationLoop::Start(parts_->pipeline->store(), parts_->clock, parts_->logger,
                            parts_->config.revocation_poll_interval, parts_->pipeline->issuers()));
  // SPEC §9 gossip: the configured peers' heads compared with ours, forks stored as findings.
  std::unique_ptr<HeadsPeerLoop> gossip;
  if (!parts_->config.heads_peers.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(
        gossip, HeadsPeerLoop::Start(parts_->config, parts_->pipeline->store(),
                                     parts_->pipeline->alerts(), parts_->clock, parts_->logger));
  }
  // Issue 22: tree heads and old raw CAA answers thinned by the retention rules (SCHEMA.md),
  // in small steps beside the tailers.
  const std::unique_ptr<RetentionLoop> retention =
      RetentionLoop::Start(parts_->pipeline->store(), parts_->clock, parts_->logger,
                           store::RetentionRule{parts_->config.tree_head_history_interval,
                                                parts_->config.keep_all_tree_heads_for},
                           parts_->config.caa_raw_answer_retention);
  // SPEC §8: each finding's inclusion evidence stored as it is judged, off the logs' threads.
  CAAWATCH_ASSIGN_OR_RETURN(
      std::unique_ptr<ProofLoop> proofs,
      ProofLoop::Start(parts_->pipeline->store(), parts_->logs, parts_->config.log_ca_file,
                       parts_->clock, parts_->logger));
  // Each sink on its own thread, from its cursor: a sink that hangs holds up nothing else.
  parts_->delivery->Start();
  // SPEC §4: the CAA path of every watched name is looked up before the first log batch, so
  // that a certificate logged after start is judged against CAA observed before its issuance.
  // The poll is concurrent and batched (a million names take about a minute, with progress
  // logged); a stop ends the wait.
  // Followed zones (issue 18): transferred before the first log batch too, then followed on
  // their SOA timers and on NOTIFY.
  judge::ZoneFollowers* zones = parts_->pipeline->zones();
  std::unique_ptr<judge::NotifyListener> notify_listener;
  CAAWATCH_RETURN_IF_ERROR(parts_->pipeline->store()->followed_zones().RetainOnly(zones->zones()));
  if (!zones->empty()) {
    zones->RefreshDue();
    CAAWATCH_ASSIGN_OR_RETURN(
        notify_listener,
        judge::NotifyListener::Start(parts_->config.notify_listen, zones, parts_->logger));
    parts_->logger->Log(LogLevel::kInfo, "zones",
                        absl::StrCat("following ", zones->zones().size(),
                                     " zones; NOTIFY listener on ", notify_listener->address()));
    zones->Start();
  }
  notices.Status(absl::StrCat("first CAA poll of ", parts_->pipeline->watches()->Current()->size(),
                              " watch entries"));
  std::thread caa_poller([this] { PollCaa(); });
  // The watchdog is fed meanwhile: a poll of a million names takes a while, and is progress.
  while (!initial_poll_done_.WaitForNotificationWithTimeout(absl::Milliseconds(100)) &&
         !stop.HasBeenNotified()) {
    notices.Tick(parts_->clock->Now());
  }
  std::map<std::string, std::unique_ptr<RunningLog>> running;
  if (!stop.HasBeenNotified()) {
    for (auto& worker : parts_->workers) {
      // LogListSource merges a log listed twice; a second worker would race the first on the
      // log's stored state (and its running thread must never be dropped unjoined).
      if (running.contains(LogKey(worker->log()))) continue;
      auto log = std::make_unique<RunningLog>();
      log->info = worker->log();
      log->worker = std::move(worker);
      parts_->metrics->AddWorker(log->worker.get());
      StartLog(log.get());
      running.emplace(LogKey(log->info), std::move(log));
    }
    parts_->workers.clear();
  }
  // Timers run on the clock. The loop wakes when one is due, at once on a halt (Halt() notifies
  // under halt_mu_), and within 100 ms of `stop` (Clock::AwaitWithDeadline).
  const Clock& clock = *parts_->clock;
  absl::Time next_refresh = clock.Now() + parts_->config.log_list_refresh_interval;
  absl::Time next_release = clock.Now() + kReleaseFreeMemoryInterval;
  absl::Time next_health = clock.Now();
  absl::Time next_unreachable_summary = clock.Now();
  const auto ending = [&] { return stop.HasBeenNotified() || halt_.HasBeenNotified(); };
  for (;;) {
    const absl::Time next_watchdog = notices.Tick(clock.Now());
    {
      absl::MutexLock lock(&halt_mu_);
      if (clock.AwaitWithDeadline(
              &halt_mu_, absl::Condition(&ending),
              std::min({next_refresh, next_release, next_health, next_watchdog}))) {
        break;
      }
    }
    if (clock.Now() >= next_health) {
      std::vector<const tail::LogWorker*> workers;
      for (const auto& [id, log] : running) workers.push_back(log->worker.get());
      set_health(Blindness(workers));
      if (!notices.ready() &&
          std::all_of(workers.begin(), workers.end(),
                      [](const tail::LogWorker* w) { return w->health().Reported(); })) {
        notices.Ready(absl::StrCat("tailing ", workers.size(), " logs, ",
                                   parts_->pipeline->watches()->Current()->size(), " watch entries",
                                   blindness->empty() ? "" : "; NOT_SERVING: ", *blindness));
      }
      next_health = clock.Now() + kHealthInterval;
      const size_t failing = static_cast<size_t>(
          std::count_if(workers.begin(), workers.end(),
                        [](const tail::LogWorker* w) { return w->health().Failing(); }));
      if (failing > 0 && failing == workers.size() && clock.Now() >= next_unreachable_summary) {
        // One line for all of them, where each log says its error once (LogWorker::Run).
        parts_->logger->Log(LogLevel::kError, "logs",
                            absl::StrCat("0/", workers.size(), " logs reachable; first: ",
                                         workers.front()->log().description, ": ",
                                         workers.front()->health().last_error()));
        next_unreachable_summary = clock.Now() + kUnreachableSummaryInterval;
      }
    }
    if (clock.Now() >= next_release) {
      ReleaseFreeMemory();
      next_release = clock.Now() + kReleaseFreeMemoryInterval;
    }
    if (clock.Now() < next_refresh) continue;
    RefreshLogList(&running);
    next_refresh = clock.Now() + parts_->config.log_list_refresh_interval;
  }
  notices.Stopping();
  Halt(absl::OkStatus());
  for (auto& [id, log] : running) log->stop.Notify();
  {
    absl::MutexLock lock(&parts_->poll_mu);
    parts_->stopping = true;
  }
  for (auto& [id, log] : running) log->thread.join();
  metrics_endpoint.reset();  // Before `running` goes: a scrape reads its workers.
  caa_poller.join();
  revocations->Stop();
  if (gossip) gossip->Stop();
  proofs->Stop();
  parts_->delivery->Stop();
  notify_listener.reset();
  zones->Stop();
  // Calls in progress get two seconds on gRPC's own clock: a grace period of real time.
  server.server->Shutdown(
      gpr_time_add(gpr_now(GPR_CLOCK_MONOTONIC), gpr_time_from_seconds(2, GPR_TIMESPAN)));
  absl::MutexLock lock(&halt_mu_);
  return halt_reason_;
}

void Supervisor::Halt(absl::Status reason) {
  absl::MutexLock lock(&halt_mu_);
  // The first call decides: a worker's store error, or the outside stop (OK). Workers return OK
  // only once halted, so their OK never halts the others.
  if (halt_.HasBeenNotified()) return;
  halt_reason_ = std::move(reason);
  halt_.Notify();
}

}  // namespace caawatch::monitor
