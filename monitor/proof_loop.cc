#include "monitor/proof_loop.h"

#include <algorithm>
#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::monitor {
namespace {

// New findings are looked for this often: a page read past the cursor, usually empty.
constexpr absl::Duration kIdleInterval = absl::Seconds(1);
constexpr absl::Duration kMaxBackoff = absl::Minutes(5);

}  // namespace

absl::StatusOr<std::unique_ptr<ProofLoop>> ProofLoop::Start(store::Store* store,
                                                            const std::vector<ctlog::LogInfo>& logs,
                                                            const std::string& log_ca_file,
                                                            const Clock* clock,
                                                            const Logger* logger) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create(log_ca_file));
  auto loop = absl::WrapUnique(new ProofLoop(std::move(fetcher), store, logs, clock, logger));
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

absl::StatusOr<size_t> ProofLoop::RunUntilSettled(store::Store* store,
                                                  const std::vector<ctlog::LogInfo>& logs,
                                                  const std::string& log_ca_file,
                                                  const Clock* clock, const Logger* logger) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create(log_ca_file));
  ProofLoop loop(std::move(fetcher), store, logs, clock, logger);
  // The waiting findings are asked for once, in the first round; then every page.
  for (bool first = true;; first = false) {
    absl::StatusOr<tail::ProofRound> round = loop.keeper_.RunOnce(/*retry_waiting=*/first);
    loop.Report(round);
    if (!round.ok()) return round.status();
    if (!round->more) return round->pending;
  }
}

ProofLoop::ProofLoop(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher, store::Store* store,
                     const std::vector<ctlog::LogInfo>& logs, const Clock* clock,
                     const Logger* logger)
    : clock_(clock),
      logger_(logger),
      fetcher_(std::move(fetcher)),
      keeper_(store, logs, fetcher_.get(), clock) {
  fetcher_->SetStop(&stop_);
}

ProofLoop::~ProofLoop() { Stop(); }

void ProofLoop::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void ProofLoop::Report(const absl::StatusOr<tail::ProofRound>& round) {
  if (!round.ok()) {
    logger_->Log(LogLevel::kError, "evidence",
                 absl::StrCat("storing inclusion proofs failed: ", round.status().message()));
    return;
  }
  if (round->stored > 0) {
    logger_->Log(LogLevel::kInfo, "evidence",
                 absl::StrCat("stored the inclusion proofs of ", round->stored, " log entries"));
  }
  if (round->failed > 0) {
    logger_->Log(LogLevel::kError, "evidence",
                 absl::StrCat(round->failed,
                              " log entries cannot be proven: the log serves what does not "
                              "verify (see `caawatch evidence`)"));
  }
  const bool failing = round->pending > 0;
  if (failing && !failing_) {
    logger_->Log(
        LogLevel::kWarning, "evidence",
        absl::StrCat(round->pending, " findings proof pending, retrying: ", round->last_error));
  } else if (!failing && failing_) {
    logger_->Log(LogLevel::kInfo, "evidence", "no finding is proof pending any more");
  }
  failing_ = failing;
}

void ProofLoop::Run() {
  const auto stopping = [this] { return stop_.HasBeenNotified(); };
  // The waiting findings are retried with backoff; new findings are looked for every second
  // regardless, so that a log that stopped answering delays only its own.
  absl::Duration backoff = absl::Seconds(1);
  absl::Time next_retry = clock_->Now();
  while (!stop_.HasBeenNotified()) {
    const bool retry = clock_->Now() >= next_retry;
    const absl::StatusOr<tail::ProofRound> round = keeper_.RunOnce(retry);
    Report(round);
    absl::Duration wait = kIdleInterval;
    if (!round.ok()) {
      wait = backoff;
      backoff = std::min(backoff * 2, kMaxBackoff);
    } else if (round->pending > 0) {
      if (retry) {
        next_retry = clock_->Now() + backoff;
        backoff = std::min(backoff * 2, kMaxBackoff);
      }
      if (round->more) continue;
    } else {
      backoff = absl::Seconds(1);
      next_retry = clock_->Now();
      if (round->more) continue;
    }
    absl::MutexLock lock(&mu_);
    if (clock_->AwaitWithDeadline(&mu_, absl::Condition(&stopping), clock_->Now() + wait)) break;
  }
}

}  // namespace caawatch::monitor
