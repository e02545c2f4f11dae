#include "monitor/revocation_loop.h"

#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::monitor {

absl::StatusOr<std::unique_ptr<RevocationLoop>> RevocationLoop::Start(store::Store* store,
                                                                      const Clock* clock,
                                                                      const Logger* logger,
                                                                      absl::Duration interval) {
  // CRLs are served over plain http by design (they are signed); https ones are verified
  // against the system's roots.
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create());
  auto loop =
      absl::WrapUnique(new RevocationLoop(std::move(fetcher), store, clock, logger, interval));
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

RevocationLoop::RevocationLoop(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher, store::Store* store,
                               const Clock* clock, const Logger* logger, absl::Duration interval)
    : clock_(clock),
      logger_(logger),
      interval_(interval),
      fetcher_(std::move(fetcher)),
      crls_(fetcher_.get(), revoke::CrlCacheOptions{}),
      follower_(store, &crls_, clock, logger) {
  fetcher_->SetStop(&stop_);
}

RevocationLoop::~RevocationLoop() { Stop(); }

void RevocationLoop::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

void RevocationLoop::Run() {
  const auto stopping = [this] { return stop_.HasBeenNotified(); };
  while (!stop_.HasBeenNotified()) {
    absl::StatusOr<judge::RevocationRound> round = follower_.RunOnce();
    if (!round.ok()) {
      logger_->Log(LogLevel::kError, "revocation",
                   absl::StrCat("revocation follow-up failed: ", round.status().message()));
    } else if (round->checked > 0) {
      logger_->Log(LogLevel::kInfo, "revocation",
                   absl::StrCat("checked ", round->checked, " certificates: ", round->newly_revoked,
                                " newly revoked, ", round->failed, " failed"));
    }
    absl::MutexLock lock(&mu_);
    if (clock_->AwaitWithDeadline(&mu_, absl::Condition(&stopping), clock_->Now() + interval_)) {
      break;
    }
  }
}

}  // namespace caawatch::monitor
