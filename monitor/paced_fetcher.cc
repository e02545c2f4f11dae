#include "monitor/paced_fetcher.h"

#include <algorithm>

namespace caawatch::monitor {

PacedFetcher::PacedFetcher(std::unique_ptr<ctlog::HttpFetcher> inner, PacingOptions options,
                           const Clock* clock, uint64_t seed)
    : inner_(std::move(inner)), options_(options), clock_(clock), jitter_(seed) {}

bool PacedFetcher::Wait(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return stop_ == nullptr || !stop_->HasBeenNotified();
  if (stop_ == nullptr) {
    absl::SleepFor(d);
    return true;
  }
  return !stop_->WaitForNotificationWithTimeout(d);
}

// Exponential, capped, with "equal jitter": half fixed, half random, so that logs (and
// caawatch instances) retrying at once spread out.
absl::Duration PacedFetcher::Backoff(int attempt) {
  const absl::Duration base = std::min(
      options_.initial_backoff * (int64_t{1} << std::min(attempt, 20)), options_.max_backoff);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return base / 2 + base / 2 * unit(jitter_);
}

absl::StatusOr<ctlog::HttpResponse> PacedFetcher::Get(const std::string& url,
                                                      const ctlog::FetchOptions& options) {
  for (int attempt = 0;; ++attempt) {
    if (!Wait(next_allowed_ - clock_->Now())) return absl::UnavailableError("stopping");
    if (options_.max_requests_per_second > 0) {
      next_allowed_ = clock_->Now() + absl::Seconds(1) / options_.max_requests_per_second;
    }
    absl::StatusOr<ctlog::HttpResponse> response = inner_->Get(url, options);
    const bool retryable = response.ok() ? response->status == 429 || response->status >= 500
                                         : absl::IsUnavailable(response.status()) ||
                                               absl::IsDeadlineExceeded(response.status());
    if (!retryable) return response;
    absl::Duration delay = Backoff(attempt);
    if (response.ok() && response->retry_after) {
      delay = std::min(*response->retry_after, options_.max_retry_after);
      next_allowed_ = std::max(next_allowed_, clock_->Now() + delay);  // For every request.
    }
    if (attempt + 1 >= options_.max_attempts) return response;
    ++retries_;
    if (!Wait(delay)) return absl::UnavailableError("stopping");
  }
}

}  // namespace caawatch::monitor
