#include "judge/caa_poll.h"

#include <algorithm>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "base/status_macros.h"
#include "judge/caa_poll_ledger.h"
#include "names/domain_name.h"

namespace caawatch::judge {
namespace {

// Time since `start` on `clock`; zero without a clock.
absl::Duration Elapsed(const Clock* clock, absl::Time start) {
  return clock != nullptr ? clock->Now() - start : absl::ZeroDuration();
}

void LogProgress(const Logger* logger, const CaaPollStats& stats, size_t total,
                 absl::string_view what, LogLevel level = LogLevel::kInfo) {
  if (logger == nullptr) return;
  const double seconds = absl::ToDoubleSeconds(stats.elapsed);
  std::string skipped;
  if (stats.skipped_fresh > 0) {
    skipped =
        absl::StrFormat(", %d skipped (answered within the poll interval)", stats.skipped_fresh);
  }
  const std::string rate =
      stats.names > 0 && seconds > 0
          ? absl::StrFormat(" (%.0f names/s)", static_cast<double>(stats.names) / seconds)
          : "";
  logger->Log(level, "caa",
              absl::StrFormat("poll %s: %d of at most %d names in %.1f s%s, %d without an "
                              "answer, %d new observations%s",
                              what, stats.names, total, seconds, rate, stats.failures,
                              stats.new_observations, skipped));
}

// The poll's shared state: hands out batches in watchlist order and adds up the results.
class PollRun {
 public:
  PollRun(const watch::Watchlist& list, const watch::Watchlist* already_observed,
          const CaaPollLedger* ledger, const Logger* logger, const CaaPollOptions& options)
      : list_(list),
        already_observed_(already_observed),
        ledger_(ledger),
        logger_(logger),
        options_(options),
        total_(list.search_name_count()),
        next_report_(options.progress_every) {}

  // Fills `batch` with the next names to look up; false when there are none (or the poll ends).
  bool NextBatch(std::vector<names::DomainName>* batch) {
    batch->clear();
    absl::MutexLock lock(&mu_);
    if (failed_ || stats_.stopped) return false;
    while (next_ < total_ && batch->size() < options_.batch_size) {
      std::string name = list_.SearchName(next_++);
      if (name.empty()) continue;  // The root, or a name with a literal '*' label.
      if (already_observed_ != nullptr && already_observed_->HasSearchName(name)) continue;
      if (ledger_ != nullptr) {
        if (const std::optional<absl::Time> at = ledger_->PolledAt(name)) {
          ++stats_.skipped_fresh;
          stats_.oldest_skipped = std::min(stats_.oldest_skipped, *at);
          continue;
        }
      }
      // The list's search names are names (a saved index's labels are checked): Parse only
      // gives them the type, on its one-pass ASCII path.
      absl::StatusOr<names::DomainName> query_name = names::DomainName::Parse(name);
      if (!query_name.ok()) continue;
      batch->push_back(*std::move(query_name));
    }
    return !batch->empty();
  }

  void Add(size_t names, const CaaObserver::BatchResult& result, absl::Time start) {
    absl::MutexLock lock(&mu_);
    stats_.names += names;
    stats_.failures += result.failures;
    for (const auto& [outcome, count] : result.failures_by_outcome) {
      stats_.failures_by_outcome[outcome] += count;
    }
    if (stats_.first_failure.empty()) stats_.first_failure = result.first_failure;
    stats_.new_observations += result.started;
    stats_.elapsed = Elapsed(options_.clock, start);
    if (stats_.names >= next_report_) {
      LogProgress(logger_, stats_, total_, "progress");
      next_report_ = stats_.names + options_.progress_every;
    }
  }

  void Stopped() {
    absl::MutexLock lock(&mu_);
    stats_.stopped = true;
  }
  void Fail(absl::Status status) {
    absl::MutexLock lock(&mu_);
    if (!failed_) error_ = std::move(status);
    failed_ = true;
  }
  // True once the poll should end early: a stop, or another batch's store failure.
  bool Ending() {
    if (options_.stop && options_.stop()) return true;
    absl::MutexLock lock(&mu_);
    return failed_;
  }

  absl::StatusOr<CaaPollStats> Finish(absl::Time start) {
    absl::MutexLock lock(&mu_);
    if (failed_) return error_;
    stats_.elapsed = Elapsed(options_.clock, start);
    if (total_ > options_.progress_every) {
      // A poll that found every name answered recently asked nothing: between full polls the
      // loop wakes for the names that fall due, and "0 of N" each time is noise, not news.
      LogProgress(logger_, stats_, total_, stats_.stopped ? "stopped" : "done",
                  stats_.names > 0 || stats_.stopped ? LogLevel::kInfo : LogLevel::kDebug);
    }
    return stats_;
  }

 private:
  const watch::Watchlist& list_;
  const watch::Watchlist* const already_observed_;
  const CaaPollLedger* const ledger_;
  const Logger* const logger_;
  const CaaPollOptions& options_;
  const size_t total_;
  absl::Mutex mu_;
  size_t next_ ABSL_GUARDED_BY(mu_) = 0;
  size_t next_report_ ABSL_GUARDED_BY(mu_);
  CaaPollStats stats_ ABSL_GUARDED_BY(mu_);
  bool failed_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status error_ ABSL_GUARDED_BY(mu_);
};

// Looks up and records batches until none are left or the poll ends.
void PollBatches(PollRun* run, CaaObserver* observer, const CaaPollOptions& options,
                 absl::Time start) {
  std::vector<names::DomainName> batch;
  batch.reserve(options.batch_size);
  const std::function<bool()> ending = [run] { return run->Ending(); };
  while (run->NextBatch(&batch)) {
    absl::StatusOr<CaaObserver::BatchResult> result = observer->ObserveMany(batch, ending);
    if (absl::IsCancelled(result.status())) {
      if (options.stop && options.stop()) run->Stopped();
      return;
    }
    if (!result.ok()) {
      run->Fail(result.status());
      return;
    }
    if (options.ledger != nullptr) {
      std::vector<uint64_t> answered;
      answered.reserve(batch.size());
      for (size_t i = 0; i < batch.size(); ++i) {
        if (result->answered[i]) answered.push_back(PolledNameHash(batch[i].str()));
      }
      if (const absl::Status s = options.ledger->RecordPolled(options.clock->Now(), answered);
          !s.ok()) {
        run->Fail(s);
        return;
      }
    }
    run->Add(batch.size(), *result, start);
    if (options.stop && options.stop()) {
      run->Stopped();
      return;
    }
  }
}

}  // namespace

std::string CaaPollSummary(const CaaPollStats& stats) {
  std::string out = absl::StrCat(stats.names - stats.failures, " names answered, ", stats.failures,
                                 " without an answer");
  if (stats.failures > 0) {
    std::string why;
    for (const auto& [outcome, count] : stats.failures_by_outcome) {
      absl::StrAppend(&why, why.empty() ? "" : ", ", outcome, ": ", count);
    }
    absl::StrAppend(&out, " (", why, "; first: ", stats.first_failure, ")");
  }
  if (stats.skipped_fresh > 0) {
    absl::StrAppend(&out, ", ", stats.skipped_fresh,
                    " skipped (answered within the poll interval)");
  }
  if (stats.stopped) absl::StrAppend(&out, ", stopped early");
  return out;
}

absl::StatusOr<CaaPollStats> PollWatchlistCaa(const watch::Watchlist& list,
                                              const watch::Watchlist* already_observed,
                                              CaaObserver* observer, const Logger* logger,
                                              const CaaPollOptions& options) {
  // For the progress figures.
  const absl::Time start = options.clock != nullptr ? options.clock->Now() : absl::Time();
  std::optional<CaaPollLedger> ledger;
  // A whole-watchlist poll can be skipped at once when the last complete one covered the same
  // search names within fresh_for; otherwise the ledger is checked name by name.
  const bool whole_list = options.ledger != nullptr && already_observed == nullptr;
  watch::Watchlist::SearchNamesDigest digest;
  absl::Time clock_start;
  if (options.ledger != nullptr) {
    clock_start = options.clock->Now();
    const absl::Time fresh_since = clock_start - options.fresh_for;
    if (whole_list) {
      digest = list.DigestSearchNames();
      CAAWATCH_ASSIGN_OR_RETURN(const std::optional<store::CaaPollPass> pass,
                                options.ledger->LastPass());
      if (pass && pass->fingerprint == digest.fingerprint && pass->started_at >= fresh_since) {
        CaaPollStats stats;
        stats.skipped_fresh = digest.names;
        stats.oldest_skipped = pass->started_at;
        stats.elapsed = Elapsed(options.clock, start);
        return stats;
      }
      // Housekeeping once per full poll, not at every added watch (each delete leaves a range
      // tombstone); Load reads only what is fresh either way.
      CAAWATCH_RETURN_IF_ERROR(options.ledger->ForgetPolledBefore(fresh_since));
    }
    CAAWATCH_ASSIGN_OR_RETURN(ledger, CaaPollLedger::Load(options.ledger, fresh_since));
  }
  PollRun run(list, already_observed, ledger ? &*ledger : nullptr, logger, options);
  std::vector<std::thread> helpers;
  for (int i = 1; i < options.concurrency; ++i) {
    helpers.emplace_back([&] { PollBatches(&run, observer, options, start); });
  }
  PollBatches(&run, observer, options, start);
  for (std::thread& t : helpers) t.join();
  CAAWATCH_ASSIGN_OR_RETURN(const CaaPollStats stats, run.Finish(start));
  if (whole_list && !stats.stopped && stats.failures == 0) {
    // Every search name now has an answer at or after the earlier of this poll's start and
    // the oldest answer it skipped.
    CAAWATCH_RETURN_IF_ERROR(options.ledger->RecordPass(
        {digest.fingerprint, std::min(clock_start, stats.oldest_skipped)}));
  }
  return stats;
}

}  // namespace caawatch::judge
