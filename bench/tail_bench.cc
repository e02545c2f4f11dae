// tail_bench: the tailing phase of `caawatch run --once`, alone. Builds the Supervisor's
// monitor::Pipeline (RocksDB store, unbound resolver, issuer map, CAA observer, evaluator,
// watchlist) and one LogWorker per log with a curl fetcher, and times LogWorker::CatchUp over
// every log of the list. What it leaves out is the Supervisor's CAA poll of every watched name,
// which runs alongside the tailing and is measured separately by bench/e2e_bench.py (an empty log).
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
#include "base/clock.h"
#include "base/log.h"
#include "base/status_macros.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_list.h"
#include "monitor/allocator_tuning.h"
#include "monitor/config.h"
#include "monitor/pipeline.h"
#include "tail/log_worker.h"
#include "watch/watchlist.h"

namespace caawatch::bench {
namespace {

using monitor::MonitorConfig;
using monitor::Pipeline;

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
  // The parts of a run, built as Supervisor::Create builds them.
  MonitorConfig config;
  config.data_dir = flags.data_dir;
  config.dns_servers = {flags.dns_server};
  config.dnssec = false;
  RealClock clock;
  Logger logger(LogLevel::kWarning);
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<Pipeline> pipeline,
                            Pipeline::Create(config, std::move(items), &clock, &logger));
  CAAWATCH_ASSIGN_OR_RETURN(const std::string list_text, ReadFile(flags.log_list));
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::LogInfo> logs, ctlog::ParseLogList(list_text));
  const double setup_s = absl::ToDoubleSeconds(absl::Now() - t0);
  const long setup_rss = PeakRssKib();

  // As the Supervisor's workers, except that requests are not paced (the log is local).
  tail::LogWorkerDeps deps = pipeline->worker_deps();
  deps.pacing_clock = nullptr;
  const double cpu0 = CpuSeconds();
  const absl::Time t1 = absl::Now();
  uint64_t entries = 0;
  absl::Notification stop;
  for (const ctlog::LogInfo& log : logs) {
    CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                              ctlog::CurlHttpFetcher::Create());
    tail::LogWorker worker(log, std::move(fetcher), deps, pipeline->worker_options());
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
  caawatch::monitor::TuneAllocatorForLargeBuffers();
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
