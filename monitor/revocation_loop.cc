#include "monitor/revocation_loop.h"

#include <utility>

#include "absl/memory/memory.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::monitor {
namespace {

absl::Status LogRound(const absl::StatusOr<judge::RevocationRound>& round, const Logger* logger) {
  if (!round.ok()) {
    logger->Log(LogLevel::kError, "revocation",
                absl::StrCat("revocation follow-up failed: ", round.status().message()));
    return round.status();
  }
  if (round->checked > 0) {
    logger->Log(LogLevel::kInfo, "revocation",
                absl::StrCat("checked ", round->checked, " certificates: ", round->newly_revoked,
                             " newly revoked, ", round->failed, " failed"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::unique_ptr<RevocationLoop>> RevocationLoop::Start(
    store::Store* store, const Clock* clock, const Logger* logger, absl::Duration interval,
    const judge::IssuerSource* issuers) {
  // CRLs are served over plain http by design (they are signed); https ones are verified
  // against the system's roots.
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create());
  auto loop = absl::WrapUnique(
      new RevocationLoop(std::move(fetcher), store, clock, logger, interval, issuers));
  loop->thread_ = std::thread([raw = loop.get()] { raw->Run(); });
  return loop;
}

RevocationLoop::RevocationLoop(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher, store::Store* store,
                               const Clock* clock, const Logger* logger, absl::Duration interval,
                               const judge::IssuerSource* issuers)
    : clock_(clock),
      logger_(logger),
      interval_(interval),
      fetcher_(std::move(fetcher)),
      crls_(fetcher_.get(), revoke::CrlCacheOptions{}),
      follower_(store, &crls_, clock, logger, judge::RevocationFollowerOptions{}, issuers) {
  fetcher_->SetStop(&stop_);
}

RevocationLoop::~RevocationLoop() { Stop(); }

void RevocationLoop::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (thread_.joinable()) thread_.join();
}

absl::Status RunRevocationRound(store::Store* store, const Clock* clock, const Logger* logger,
                                const absl::Notification& stop,
                                const judge::IssuerSource* issuers) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<ctlog::CurlHttpFetcher> fetcher,
                            ctlog::CurlHttpFetcher::Create());
  fetcher->SetStop(&stop);
  revoke::CrlCache crls(fetcher.get(), revoke::CrlCacheOptions{});
  judge::RevocationFollower follower(store, &crls, clock, logger,
                                     judge::RevocationFollowerOptions{}, issuers);
  return LogRound(follower.RunOnce(), logger);
}

void RevocationLoop::Run() {
  const auto stopping = [this] { return stop_.HasBeenNotified(); };
  while (!stop_.HasBeenNotified()) {
    // Logged there; the next round tries again.
    LogRound(follower_.RunOnce(), logger_).IgnoreError();
    absl::MutexLock lock(&mu_);
    if (clock_->AwaitWithDeadline(&mu_, absl::Condition(&stopping), clock_->Now() + interval_)) {
      break;
    }
  }
}

}  // namespace caawatch::monitor
