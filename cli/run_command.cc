// `caawatch run`: tails the configured logs until SIGTERM/SIGINT (or, with --once, up to the
// tree sizes current at start), evaluating CAA and storing findings.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <functional>
#include <optional>
#include <thread>

#include "absl/cleanup/cleanup.h"
#include "absl/container/btree_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/synchronization/mutex.h"
#include "base/bounded_file.h"
#include "base/log.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "base/terminal_lines.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/notify_options.h"
#include "cli/progress_display.h"
#include "cli/run_reload.h"
#include "cli/systemd_notifier.h"
#include "cli/watch_entry_warnings.h"
#include "monitor/monitor_metrics.h"
#include "monitor/static_watches.h"
#include "monitor/store_access.h"
#include "monitor/supervisor.h"
#include "monitor/watch_entries.h"
#include "monitor/zones_config.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

// Bearer tokens a line each: a few dozen bytes per token.
constexpr size_t kMaxTokensFileBytes = size_t{1} << 20;

struct RunOptions {
  CommonOptions common;
  DnsOptions dns;
  bool once = false;
  std::optional<std::string> log_list;
  std::vector<std::string> watch;
  std::optional<std::string> watchlist;
  std::optional<std::string> grpc_listen;
  std::optional<uint32_t> grpc_max_subscribers;
  std::optional<std::string> start_at;
  std::optional<std::string> fail_on;
  std::optional<double> max_requests_per_second;
  std::string log_format = "text";
  bool verbose = false;
  NotifyOptions notify;
  std::vector<std::string> follow_zones;  // "ZONE@PRIMARY[@PRIMARY...]" (issue 18).
  std::optional<std::string> follow_zone_key;
  std::optional<std::string> notify_listen;
  std::optional<std::string> metrics_listen;
};

// `run --once --fail-on`: the exit status when this run stored a finding of that severity or
// worse (README "Using it"); an error still exits 1.
constexpr int kFoundExitCode = 3;

void AddRunOptions(CLI::App* app, RunOptions* options) {
  // No --json: run prints only its log (--log-format json makes that one object a line).
  AddConfigAndDataDirOptions(app, &options->common);
  AddDnsOptions(app, &options->dns);
  app->add_flag("--once", options->once,
                "process every log up to its tree size at start, then exit");
  app->add_option("--log-list", options->log_list,
                  "v3 log list (default: the list embedded at build)")
      ->type_name("FILE|URL");
  AddRepeatable(app, "--watch", &options->watch, "NAME",
                "watch NAME (.NAME for NAME and everything below)");
  app->add_option("--watchlist", options->watchlist, "certspotter-style watchlist file")
      ->type_name("FILE");
  app->add_option("--grpc-listen", options->grpc_listen, "gRPC address (default 127.0.0.1:7443)")
      ->type_name("ADDR");
  app->add_option("--metrics-listen", options->metrics_listen,
                  "serve Prometheus /metrics on ADDR (default: off; loopback unless TLS)")
      ->type_name("ADDR");
  app->add_option("--grpc-max-subscribers", options->grpc_max_subscribers,
                  "Subscribe streams open at once, more are refused (default 1024)")
      ->type_name("N")
      ->check(PositiveInteger());
  app->add_option("--start-at", options->start_at, "where to start logs with no stored position")
      ->type_name("beginning|end|INDEX|TIME");
  app->add_option("--fail-on", options->fail_on,
                  "with --once: exit 3 when this run stored a finding of this severity or worse")
      ->type_name("critical|warning")
      ->check(CLI::IsMember({"critical", "warning"}).description(""));
  app->add_option("--max-requests-per-second", options->max_requests_per_second,
                  "requests per second to each log, 0 = no limit (default 10, config "
                  "max_requests_per_second)")
      ->type_name("RATE")
      ->check(CLI::NonNegativeNumber.description(""));
  app->add_option("--log-format", options->log_format,
                  "stderr log lines as text or one JSON object a line (level, component, "
                  "message, fields)")
      ->type_name("text|json")
      ->check(CLI::IsMember({"text", "json"}).description(""));
  app->add_flag("--verbose", options->verbose, "log debug detail");
  AddNotifyOptions(app, &options->notify);
  AddRepeatable(
      app, "--follow-zone", &options->follow_zones, "ZONE@PRIMARY",
      "follow ZONE by transfers from PRIMARY (IP[:PORT]; more with @), as config `zones`");
  app->add_option("--follow-zone-key", options->follow_zone_key,
                  "TSIG key of the --follow-zone zones: its name and the file of its base64 "
                  "secret (hmac-sha256)")
      ->type_name("NAME:FILE");
  app->add_option("--notify-listen", options->notify_listen,
                  "where followed zones' primaries send NOTIFY (default 127.0.0.1:8053)")
      ->type_name("ADDR");
}

// --follow-zone and --follow-zone-key as entries of the config's `zones`, checked the same way.
absl::Status ApplyZoneFlags(const RunOptions& flags, monitor::MonitorConfig* config) {
  if (flags.notify_listen) config->notify_listen = *flags.notify_listen;
  if (flags.follow_zones.empty()) {
    if (flags.follow_zone_key)
      return absl::InvalidArgumentError("--follow-zone-key: no --follow-zone");
    return absl::OkStatus();
  }
  nlohmann::json zones = nlohmann::json::array();
  for (const std::string& spec : flags.follow_zones) {
    std::vector<std::string> parts = absl::StrSplit(spec, '@');
    nlohmann::json z = {{"zone", parts[0]}};
    z["primaries"] = std::vector<std::string>(parts.begin() + 1, parts.end());
    if (flags.follow_zone_key) {
      const size_t colon = flags.follow_zone_key->find(':');
      if (colon == std::string::npos) {
        return absl::InvalidArgumentError("--follow-zone-key: want NAME:FILE");
      }
      z["tsig_key_name"] = flags.follow_zone_key->substr(0, colon);
      z["tsig_secret_file"] = flags.follow_zone_key->substr(colon + 1);
    }
    zones.push_back(std::move(z));
  }
  std::vector<monitor::FollowedZoneConfig> parsed;
  CAAWATCH_RETURN_IF_ERROR(Annotate(monitor::ReadFollowedZones(zones, &parsed), "--follow-zone"));
  config->zones.insert(config->zones.end(), parsed.begin(), parsed.end());
  return absl::OkStatus();
}

// Flags override the configuration file, which overrides the defaults.
absl::Status ApplyFlags(const RunOptions& flags, monitor::MonitorConfig* config) {
  if (flags.log_list) config->log_list = *flags.log_list;
  ApplyDnsOptions(flags.dns, config);
  if (flags.grpc_listen) config->grpc_listen = *flags.grpc_listen;
  if (flags.metrics_listen) config->metrics_listen = *flags.metrics_listen;
  if (flags.grpc_max_subscribers) config->grpc_max_subscribers = *flags.grpc_max_subscribers;
  if (flags.max_requests_per_second) {
    config->max_requests_per_second = *flags.max_requests_per_second;
  }
  if (flags.start_at) {
    absl::StatusOr<monitor::StartAt> start = monitor::ParseStartAt(*flags.start_at);
    if (!start.ok()) return Annotate(start.status(), "--start-at");
    config->start_at = *start;
  }
  CAAWATCH_RETURN_IF_ERROR(ApplyZoneFlags(flags, config));
  if (flags.watchlist) config->watchlist_file = *flags.watchlist;
  for (const std::string& w : flags.watch) config->watch.push_back(w);
  ApplyNotifyOptions(flags.notify, config);
  if (!config->grpc_tokens_file.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(
        const std::string text,
        ReadBoundedFile(config->grpc_tokens_file, kMaxTokensFileBytes, "grpc_tokens_file"));
    for (absl::string_view line : absl::StrSplit(text, '\n')) {
      line = absl::StripAsciiWhitespace(line);
      if (!line.empty() && line[0] != '#') config->grpc_tokens.emplace_back(line);
    }
  }
  return absl::OkStatus();
}

// Turns SIGTERM/SIGINT into a notification, and SIGHUP into a call of the reload set by
// OnHangup (a SIGHUP before that, while the monitor starts, is said and ignored: the files are
// being read anyway). Signals are blocked in every thread (the mask is inherited), and this one
// thread waits for them.
class SignalWatcher {
 public:
  explicit SignalWatcher(absl::Notification* stop, const Logger* logger)
      : stop_(stop), logger_(logger) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGHUP);
    sigaddset(&set_, SIGUSR2);  // Sent by the destructor: the wait ends at once, not at a tick.
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this] {
      const timespec tick{0, 200 * 1000 * 1000};
      while (!done_.load()) {
        const int sig = sigtimedwait(&set_, nullptr, &tick);
        if ((sig == SIGTERM || sig == SIGINT) && !stop_->HasBeenNotified()) stop_->Notify();
        if (sig == SIGHUP) Hangup();
      }
    });
  }
  // What a SIGHUP does from now on; `reload` must stay callable until this watcher is gone.
  void OnHangup(std::function<void()> reload) {
    absl::MutexLock lock(&mu_);
    reload_ = std::move(reload);
  }
  ~SignalWatcher() {
    done_.store(true);
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }

 private:
  void Hangup() {
    absl::MutexLock lock(&mu_);
    if (reload_) {
      reload_();
    } else {
      logger_->Log(LogLevel::kWarning, "reload", "SIGHUP while starting or stopping: ignored");
    }
  }

  absl::Notification* stop_;
  const Logger* logger_;
  absl::Mutex mu_;
  std::function<void()> reload_ ABSL_GUARDED_BY(mu_);
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

// Slips in the static entries, said once at start: a name given twice (in --watch, the
// configuration or the watchlist file), an `issuers=` identifier no known CA uses.
void WarnAboutStaticEntries(const monitor::Watchlist& list, const std::string& data_dir,
                            const Logger& logger) {
  absl::btree_set<std::string> issuers;
  for (size_t n = 0; n < list.size(); ++n) {
    const absl::Span<const std::string> expected = list.entry(n).issuers();
    issuers.insert(expected.begin(), expected.end());
  }
  // A CA map that cannot be read is said by the supervisor, which needs it.
  if (absl::StatusOr<caa::IssuerMap> known = monitor::LoadEffectiveIssuerMap(data_dir);
      known.ok() && !issuers.empty()) {
    for (const std::string& warning :
         UnknownIssuerWarnings(std::vector<std::string>(issuers.begin(), issuers.end()), *known)) {
      logger.Log(LogLevel::kWarning, "watch", warning);
    }
  }
  const monitor::Watchlist::Repeats repeats = list.RepeatedEntries();
  if (repeats.count == 0) return;
  logger.Log(LogLevel::kWarning, "watch",
             absl::StrCat(repeats.count,
                          " watch entries repeat the name of an earlier one (the "
                          "first: ",
                          QuoteInput(list.entry(repeats.first).Name()), ")"));
}

// "done: 1200 entries read (log a: 1000, log b: 200); findings: 1 forbidden, 3 permitted".
std::string OnceSummaryLine(const monitor::RunOnceSummary& summary) {
  uint64_t entries = 0;
  std::string per_log;
  for (const auto& [log, count] : summary.entries_read) {
    entries += count;
    absl::StrAppend(&per_log, per_log.empty() ? "" : ", ", log, ": ", count);
  }
  std::string findings;
  for (const auto& [verdict, count] : summary.findings_by_verdict) {
    absl::StrAppend(&findings, findings.empty() ? "" : ", ", count, " ", verdict);
  }
  return absl::StrCat("done: ", entries, " entries read (", per_log,
                      "); findings: ", findings.empty() ? "none" : findings);
}

// The configuration `run` would start with now (the file, then the flags), for a SIGHUP.
absl::StatusOr<monitor::MonitorConfig> ReloadedConfig(const RunOptions& options,
                                                      std::string* file_text) {
  CAAWATCH_ASSIGN_OR_RETURN(monitor::MonitorConfig config, LoadConfig(options.common, file_text));
  CAAWATCH_RETURN_IF_ERROR(ApplyFlags(options, &config));
  return config;
}

int Run(const RunOptions& options) {
  // Loaded once more than Prepare does, for its text: a SIGHUP compares the file with it.
  std::string config_text;
  if (absl::StatusOr<monitor::MonitorConfig> loaded = LoadConfig(options.common, &config_text);
      !loaded.ok()) {
    return Fail(loaded.status(), 2);
  }
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  if (absl::Status s = ApplyFlags(options, &ctx.config); !s.ok()) return Fail(s, 2);
  if (absl::Status s = monitor::CheckMetricsListen(ctx.config); !s.ok()) return Fail(s, 2);
  if (options.fail_on && !options.once) {
    return Fail(absl::InvalidArgumentError("--fail-on needs --once (a running monitor alerts)"), 2);
  }
  // `run --once` on a terminal shows each log's progress in place, under the log lines; in a
  // file or a pipe there is only the log.
  std::optional<TerminalLines> terminal;
  if (options.once && isatty(STDERR_FILENO) == 1) {
    terminal.emplace(STDERR_FILENO, TerminalLines::Width(STDERR_FILENO));
  }
  Logger logger(options.verbose ? LogLevel::kDebug : LogLevel::kInfo,
                options.log_format == "json" ? LogFormat::kJson : LogFormat::kText);
  if (terminal) logger.set_terminal(&*terminal);
  absl::StatusOr<monitor::RunWatches> watches = monitor::StaticWatchesForRun(ctx.config, logger);
  if (!watches.ok()) return Fail(watches.status(), 2);
  WarnAboutStaticEntries(watches->list, ctx.config.data_dir, logger);
  absl::Notification stop;
  SignalWatcher signals(&stop, &logger);
  RealClock clock;
  // Create the data directory like a writer would, with a clear error if that fails.
  absl::StatusOr<std::unique_ptr<store::Store>> probe = OpenStoreForWriting(ctx, &logger);
  if (!probe.ok() && absl::IsDataLoss(probe.status())) {
    // A damaged write-ahead log: roll back to the last intact write and say what was lost;
    // tailing from the kept positions reads it again. Any other damage stops here.
    absl::StatusOr<std::string> loss = monitor::RecoverDamagedWal(ctx.config.data_dir);
    if (!loss.ok()) return Fail(probe.status());
    logger.Log(LogLevel::kWarning, "store", probe.status().message());
    logger.Log(LogLevel::kWarning, "store", *loss);
    probe = OpenStoreForWriting(ctx, &logger);
  }
  if (!probe.ok()) return Fail(probe.status());
  probe->reset();
  monitor::SaveRunWatchesIndex(ctx.config, *watches, logger);
  absl::StatusOr<std::unique_ptr<monitor::Supervisor>> supervisor =
      monitor::Supervisor::Create(ctx.config, std::move(watches->list), &clock, &logger);
  if (!supervisor.ok()) return Fail(supervisor.status());
  logger.Log(LogLevel::kInfo, "run", absl::StrCat("store at ", ctx.config.data_dir));
  ReloadSource reload_source;
  reload_source.running_text = config_text;
  reload_source.load = [&options](std::string* file_text) {
    return ReloadedConfig(options, file_text);
  };
  signals.OnHangup([&reload_source, monitor = supervisor->get(), &logger] {
    ReloadRun(reload_source, monitor, logger);
  });
  // Before the supervisor goes: waits for a reload in progress.
  absl::Cleanup forget_reload = [&signals] { signals.OnHangup(nullptr); };
  if (!options.once) {
    const SystemdNotifier systemd;
    const absl::Status status = (*supervisor)->Run(stop, &systemd);
    if (!status.ok()) return Fail(status);
    logger.Log(LogLevel::kInfo, "run", "stopped after committing");
    return 0;
  }
  monitor::RunOnceSummary summary;
  std::optional<ProgressDisplay> display;
  if (terminal) display.emplace(&*terminal, [&] { return (*supervisor)->Progress(); });
  const absl::Status status = (*supervisor)->RunOnce(stop, &summary);
  display.reset();
  logger.Log(LogLevel::kInfo, "run", OnceSummaryLine(summary));
  if (!status.ok()) return Fail(status);
  if (options.fail_on) {
    uint64_t found = summary.findings_by_severity["critical"];
    if (*options.fail_on == "warning") found += summary.findings_by_severity["warning"];
    if (found > 0) {
      logger.Log(LogLevel::kError, "run",
                 absl::StrCat(found, " findings at or above --fail-on ", *options.fail_on,
                              ": exit ", kFoundExitCode));
      return kFoundExitCode;
    }
  }
  return 0;
}

}  // namespace

Command AddRunCommand(CLI::App* app) {
  CLI::App* run = app->add_subcommand(
      "run", "tail the configured CT logs, evaluate CAA, store findings, serve gRPC");
  run->footer(
      "Tails every usable CT log of the log list, checks each certificate for a watched name "
      "against CAA as it was at issuance time, stores the findings and serves them over gRPC. "
      "SIGTERM or SIGINT stops it after committing. SIGHUP reads the configuration and the "
      "watchlist file again: the watch entries change at once, other changed keys need a "
      "restart (a warning names them). Under systemd (Type=notify) it says READY=1 once the "
      "first CAA poll is done and every log was asked for its head, and feeds the watchdog.");
  auto options = std::make_shared<RunOptions>();
  AddRunOptions(run, options.get());
  return {run, [options] { return Run(*options); }};
}

}  // namespace caawatch::cli
