// tail_bench: the tailing phase of `caawatch run --once`, alone. Wires the parts the Supervisor
// wires (RocksDB store, unbound resolver, issuer map, CAA observer, evaluator, watchlist, one
// LogWorker per log with a curl fetcher) and times LogWorker::CatchUp over every log of the
// list. What it leaves out is the Supervisor's CAA poll of every watched name, which runs
// alongside the tailing and is measured separately by bench/e2e_bench.py (an empty log).
// Prints one JSON line of figures on stdout.
//
//   tail_bench --log-list FILE --watchlist FILE --data-dir DIR --dns-server HOST:PORT
#include <sys/resource.h>

#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "base/allocator_tuning.h"
#include "base/clock.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "caa/issuer_store.h"
#include "caa/unbound_resolver.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "judge/alert_hub.h"
#include "judge/caa_observer.h"
#include "judge/issuance_evaluator.h"
#include "judge/watch_source.h"
#include "store/store.h"
#include "tail/log_worker.h"
#include "watch/watchlist.h"

namespace caawatch::bench {
namespace {

struct Flags {
  std::string log_list, watchlist, data_dir, dns_server;
};

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("cannot read ", path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

double CpuSeconds() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

long PeakRssKib() {
  rusage usage;
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// The parts of a run, built as Supervisor::Create builds them.
struct Parts {
  RealClock clock;
  Logger logger{LogLevel::kWarning};
  std::unique_ptr<store::Store> store;
  std::unique_ptr<caa::CaaResolver> resolver;
  std::unique_ptr<caa::IssuerMap> issuers;
  std::unique_ptr<judge::CaaObserver> observer;
  std::unique_ptr<judge::IssuanceEvaluator> evaluator;
  std::unique_ptr<judge::WatchSource> watches;
  judge::AlertHub alerts;
};

absl::Status Build(const Flags& flags, watch::Watchlist items, Parts* parts) {
  CAAWATCH_ASSIGN_OR_RETURN(parts->store, store::Store::Open(flags.data_dir));
  caa::ResolverOptions resolver_options;
  resolver_options.servers = {flags.dns_server};
  resolver_options.dnssec = false;
  CAAWATCH_ASSIGN_OR_RETURN(parts->resolver,
                            caa::UnboundResolver::Create(resolver_options, &parts->clock));
  CAAWATCH_ASSIGN_OR_RETURN(caa::IssuerMap issuers, caa::LoadIssuerMap(flags.data_dir));
  parts->issuers = std::make_unique<caa::IssuerMap>(std::move(issuers));
  parts->observer = std::make_unique<judge::CaaObserver>(parts->resolver.get(), parts->store.get(),
                                                         &parts->clock);
  parts->evaluator =
      std::make_unique<judge::IssuanceEvaluator>(parts->issuers.get(), parts->observer.get());
  parts->watches = std::make_unique<judge::WatchSource>(std::move(items), parts->store.get());
  return parts->watches->Reload().status();
}

absl::Status Run(const Flags& flags) {
  const absl::Time t0 = absl::Now();
  watch::Watchlist::Builder builder;
  {
    // As `caawatch run` (cli/static_watches.cc): indexed as parsed, the text freed at once.
    CAAWATCH_ASSIGN_OR_RETURN(const std::string watch_text, ReadFile(flags.watchlist));
    CAAWATCH_RETURN_IF_ERROR(builder.AddText(watch_text));
  }
  watch::Watchlist items = std::move(builder).Build();
  const size_t watched = items.size();
  const size_t watchlist_bytes = items.MemoryBytes();
  Parts parts;
  CAAWATCH_RETURN_IF_ERROR(Build(flags, std::move(items), &parts));
  CAAWATCH_ASSIGN_OR_RETURN(const std::string list_text, ReadFile(flags.log_list));
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::LogInfo> logs, ctlog::ParseLogList(list_text));
  const double setup_s = absl::ToDoubleSeconds(absl::Now() - t0);
  const long setup_rss = PeakRssKib();

  tail::LogWorkerDeps deps;
  deps.store = parts.store.get();
  deps.evaluator = parts.evaluator.get();
  deps.watches = parts.watches.get();
  deps.alerts = &parts.alerts;
  deps.clock = &parts.clock;
  deps.logger = &parts.logger;
  const double cpu0 = CpuSeconds();
  const absl::Time t1 = absl::Now();
  uint64_t entries = 0;
  absl::Notification stop;
  for (const ctlog::LogInfo& log : logs) {
    CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                              ctlog::CurlHttpFetcher::Create());
    tail::LogWorker worker(log, std::move(fetcher), deps, tail::LogWorkerOptions());
    CAAWATCH_RETURN_IF_ERROR(worker.CatchUp(stop));
    entries += worker.latest_tree_size();
  }
  const double tail_s = absl::ToDoubleSeconds(absl::Now() - t1);
  const double tail_cpu = CpuSeconds() - cpu0;
  std::cout << "{\"watched\":" << watched << ",\"watchlist_bytes\":" << watchlist_bytes
            << ",\"entries\":" << entries << ",\"setup_s\":" << setup_s
            << ",\"setup_peak_rss_kib\":" << setup_rss << ",\"tail_s\":" << tail_s
            << ",\"tail_cpu_s\":" << tail_cpu
            << ",\"entries_per_s\":" << static_cast<double>(entries) / tail_s
            << ",\"cpu_us_per_entry\":" << 1e6 * tail_cpu / static_cast<double>(entries)
            << ",\"peak_rss_kib\":" << PeakRssKib() << "}" << std::endl;
  return absl::OkStatus();
}

}  // namespace
}  // namespace caawatch::bench

int main(int argc, char** argv) {
  // glibc malloc, tuned. caawatch itself runs on tcmalloc (cli/CMakeLists.txt): to measure with
  // it, run this with LD_PRELOAD=libtcmalloc_minimal.so.4.
  caawatch::TuneAllocatorForLargeBuffers();
  caawatch::bench::Flags flags;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string arg = argv[i], value = argv[i + 1];
    if (arg == "--log-list")
      flags.log_list = value;
    else if (arg == "--watchlist")
      flags.watchlist = value;
    else if (arg == "--data-dir")
      flags.data_dir = value;
    else if (arg == "--dns-server")
      flags.dns_server = value;
    else {
      std::cerr << "tail_bench: unknown flag " << arg << std::endl;
      return 2;
    }
  }
  if (flags.log_list.empty() || flags.watchlist.empty() || flags.data_dir.empty() ||
      flags.dns_server.empty()) {
    std::cerr << "usage: tail_bench --log-list FILE --watchlist FILE --data-dir DIR "
                 "--dns-server HOST:PORT"
              << std::endl;
    return 2;
  }
  const absl::Status status = caawatch::bench::Run(flags);
  if (!status.ok()) {
    std::cerr << "tail_bench: " << status << std::endl;
    return 1;
  }
  return 0;
}
