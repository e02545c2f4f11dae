// `caawatch run`: tails the configured logs until SIGTERM/SIGINT (or, with --once, up to the
// tree sizes current at start), evaluating CAA and storing findings.
#include <signal.h>

#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/bounded_file.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/static_watches.h"
#include "monitor/supervisor.h"
#include "store/wal_recovery.h"
#include "watch/watchlist.h"

namespace caawatch::cli {
namespace {

// Bearer tokens a line each: a few dozen bytes per token.
constexpr size_t kMaxTokensFileBytes = size_t{1} << 20;

std::vector<FlagSpec> RunFlags() {
  std::vector<FlagSpec> specs = CommonFlags();
  for (FlagSpec& s : DnsFlags()) specs.push_back(std::move(s));
  specs.push_back({"once", "", "process every log up to its tree size at start, then exit"});
  specs.push_back({"log-list", "FILE|URL", "v3 log list (default: the list embedded at build)"});
  specs.push_back({"watch", "NAME", "watch NAME (.NAME for NAME and everything below)", true});
  specs.push_back({"watchlist", "FILE", "certspotter-style watchlist file"});
  specs.push_back({"grpc-listen", "ADDR", "gRPC address (default 127.0.0.1:7443)"});
  specs.push_back({"grpc-max-subscribers", "N",
                   "Subscribe streams open at once, more are refused (default 1024)"});
  specs.push_back(
      {"start-at", "beginning|end|INDEX", "where to start logs with no stored position"});
  specs.push_back({"verbose", "", "log debug detail"});
  return specs;
}

// Flags override the configuration file, which overrides the defaults.
absl::Status ApplyFlags(const ParsedFlags& flags, monitor::MonitorConfig* config) {
  if (flags.Has("log-list")) config->log_list = flags.Get("log-list");
  if (flags.Has("dns-server")) config->dns_servers = flags.GetAll("dns-server");
  if (flags.Has("dnssec")) {
    const std::string v = flags.Get("dnssec");
    if (v != "on" && v != "off") return absl::InvalidArgumentError("--dnssec must be on or off");
    config->dnssec = v == "on";
  }
  if (flags.Has("trust-anchor")) config->trust_anchor_file = flags.Get("trust-anchor");
  if (flags.Has("grpc-listen")) config->grpc_listen = flags.Get("grpc-listen");
  if (flags.Has("grpc-max-subscribers")) {
    uint32_t max = 0;
    if (!absl::SimpleAtoi(flags.Get("grpc-max-subscribers"), &max) || max == 0) {
      return absl::InvalidArgumentError("--grpc-max-subscribers must be a positive integer");
    }
    config->grpc_max_subscribers = max;
  }
  if (flags.Has("start-at")) {
    absl::StatusOr<monitor::StartAt> start = monitor::ParseStartAt(flags.Get("start-at"));
    if (!start.ok()) return Annotate(start.status(), "--start-at");
    config->start_at = *start;
  }
  if (flags.Has("watchlist")) config->watchlist_file = flags.Get("watchlist");
  for (const std::string& w : flags.GetAll("watch")) config->watch.push_back(w);
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

// Turns SIGTERM/SIGINT into a notification. Signals are blocked in every thread (the mask is
// inherited), and this one thread waits for them.
class SignalWatcher {
 public:
  explicit SignalWatcher(absl::Notification* stop) : stop_(stop) {
    sigemptyset(&set_);
    sigaddset(&set_, SIGTERM);
    sigaddset(&set_, SIGINT);
    sigaddset(&set_, SIGUSR2);  // Sent by the destructor: the wait ends at once, not at a tick.
    pthread_sigmask(SIG_BLOCK, &set_, nullptr);
    thread_ = std::thread([this] {
      const timespec tick{0, 200 * 1000 * 1000};
      while (!done_.load()) {
        const int sig = sigtimedwait(&set_, nullptr, &tick);
        if ((sig == SIGTERM || sig == SIGINT) && !stop_->HasBeenNotified()) stop_->Notify();
      }
    });
  }
  ~SignalWatcher() {
    done_.store(true);
    pthread_kill(thread_.native_handle(), SIGUSR2);
    thread_.join();
  }

 private:
  absl::Notification* stop_;
  sigset_t set_;
  std::atomic<bool> done_{false};
  std::thread thread_;
};

}  // namespace

int RunCommand(const Args& args) {
  FlagParser parser("run", "[flags]",
                    "Tails every usable CT log of the log list, checks each certificate for a "
                    "watched name against CAA as it was at issuance time, stores the findings "
                    "and serves them over gRPC. SIGTERM or SIGINT stops it after committing.",
                    RunFlags());
  auto prepared = Prepare(parser, args);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  if (absl::Status s = ApplyFlags(ctx.flags, &ctx.config); !s.ok()) return Fail(s, 2);
  const Logger logger(ctx.flags.Has("verbose") ? LogLevel::kDebug : LogLevel::kInfo);
  absl::StatusOr<RunWatches> watches = StaticWatchesForRun(ctx.config, logger);
  if (!watches.ok()) return Fail(watches.status(), 2);
  if (watches->list.Empty()) {
    logger.Log(LogLevel::kWarning, "run",
               "no names watched yet: add some with --watch NAME, --watchlist FILE or "
               "`caawatch watch add NAME`; logs are still tailed and verified");
  }
  absl::Notification stop;
  SignalWatcher signals(&stop);
  RealClock clock;
  // Create the data directory like a writer would, with a clear error if that fails.
  absl::StatusOr<std::unique_ptr<store::Store>> probe = OpenStoreForWriting(ctx, &logger);
  if (!probe.ok() && absl::IsDataLoss(probe.status())) {
    // A damaged write-ahead log: roll back to the last intact write and say what was lost;
    // tailing from the kept positions reads it again. Any other damage stops here.
    absl::StatusOr<store::WalLoss> loss = store::RecoverDamagedWal(ctx.config.data_dir);
    if (!loss.ok()) return Fail(probe.status());
    logger.Log(LogLevel::kWarning, "store", probe.status().message());
    logger.Log(LogLevel::kWarning, "store", loss->Describe());
    probe = OpenStoreForWriting(ctx, &logger);
  }
  if (!probe.ok()) return Fail(probe.status());
  probe->reset();
  SaveRunWatchesIndex(ctx.config, *watches, logger);
  absl::StatusOr<std::unique_ptr<monitor::Supervisor>> supervisor =
      monitor::Supervisor::Create(ctx.config, std::move(watches->list), &clock, &logger);
  if (!supervisor.ok()) return Fail(supervisor.status());
  logger.Log(LogLevel::kInfo, "run", absl::StrCat("store at ", ctx.config.data_dir));
  const absl::Status status =
      ctx.flags.Has("once") ? (*supervisor)->RunOnce(stop) : (*supervisor)->Run(stop);
  if (!status.ok()) return Fail(status);
  logger.Log(LogLevel::kInfo, "run", "stopped after committing");
  return 0;
}

}  // namespace caawatch::cli
