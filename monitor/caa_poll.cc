#include "monitor/caa_poll.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"

namespace caawatch::monitor {
namespace {

void LogProgress(const Logger* logger, const CaaPollStats& stats, size_t total,
                 absl::string_view what) {
  if (logger == nullptr) return;
  const double seconds = absl::ToDoubleSeconds(stats.elapsed);
  logger->Log(LogLevel::kInfo, "caa",
              absl::StrFormat("poll %s: %d of at most %d names in %.1f s (%.0f names/s), %d "
                              "without an answer, %d new observations",
                              what, stats.names, total, seconds,
                              seconds > 0 ? static_cast<double>(stats.names) / seconds : 0.0,
                              stats.failures, stats.new_observations));
}

}  // namespace

absl::StatusOr<CaaPollStats> PollWatchlistCaa(const Watchlist& list,
                                              const Watchlist* already_observed,
                                              CaaObserver* observer, const Logger* logger,
                                              const CaaPollOptions& options) {
  // Wall time for the progress figures only; the observations carry the clock's time.
  const absl::Time start = absl::Now();
  const size_t total = list.search_name_count();
  const bool long_poll = total > options.progress_every;
  CaaPollStats stats;
  size_t next_report = options.progress_every;
  std::vector<std::string> batch;
  batch.reserve(options.batch_size);
  const auto flush = [&]() -> absl::Status {
    if (batch.empty()) return absl::OkStatus();
    CAAWATCH_ASSIGN_OR_RETURN(const CaaObserver::BatchResult result,
                              observer->ObserveMany(batch, options.stop));
    stats.names += batch.size();
    stats.failures += result.failures;
    stats.new_observations += result.started;
    batch.clear();
    stats.elapsed = absl::Now() - start;
    if (stats.names >= next_report) {
      LogProgress(logger, stats, total, "progress");
      next_report = stats.names + options.progress_every;
    }
    return absl::OkStatus();
  };
  for (size_t i = 0; i < total; ++i) {
    std::string name = list.SearchName(i);
    if (name.empty()) continue;  // The root, or a name with a literal '*' label.
    if (already_observed != nullptr && already_observed->HasSearchName(name)) continue;
    batch.push_back(std::move(name));
    if (batch.size() < options.batch_size) continue;
    const absl::Status flushed = flush();
    if (!absl::IsCancelled(flushed)) CAAWATCH_RETURN_IF_ERROR(flushed);
    if (absl::IsCancelled(flushed) || (options.stop && options.stop())) {
      stats.stopped = true;
      break;
    }
  }
  if (!stats.stopped) {
    const absl::Status flushed = flush();
    stats.stopped = absl::IsCancelled(flushed);
    if (!stats.stopped) CAAWATCH_RETURN_IF_ERROR(flushed);
  }
  stats.elapsed = absl::Now() - start;
  if (long_poll) LogProgress(logger, stats, total, stats.stopped ? "stopped" : "done");
  return stats;
}

}  // namespace caawatch::monitor
