#include "tail/paced_fetcher.h"

#include <algorithm>

namespace caawatch::tail {

PacedFetcher::PacedFetcher(std::unique_ptr<ctlog::HttpFetcher> inner, PacingOptions options,
                           const Clock* clock, uint64_t seed)
    : inner_(std::move(inner)), options_(options), clock_(clock), jitter_(seed) {}

bool PacedFetcher::Wait(absl::Duration d) {
  if (d <= absl::ZeroDuration()) return stop_ == nullptr || !stop_->HasBeenNotified();
  // On the clock that spaces the requests, so that a test's FakeClock steps the waits too.
  const absl::Notification never;
  return !clock_->WaitForNotification(stop_ != nullptr ? *stop_ : never, clock_->Now() + d);
}

// Exponential, capped, with "equal jitter": half fixed, half random, so that logs (and
// caawatch instances) retrying at once spread out.
absl::Duration PacedFetcher::Backoff(int attempt) {
  const absl::Duration base = std::min(
      options_.initial_backoff * (int64_t{1} << std::min(attempt, 20)), options_.max_backoff);
  std::uniform_real_distribution<double> unit(0.0, 1.0);
  return base / 2 + base / 2 * unit(jitter_);
}

namespace {

bool Retryable(const absl::StatusOr<ctlog::HttpResponse>& response) {
  return response.ok() ? response->status == 429 || response->status >= 500
                       : absl::IsUnavailable(response.status()) ||
                             absl::IsDeadlineExceeded(response.status());
}

}  // namespace

// Spaces request starts; `requests` starting together take their share of the rate at once.
bool PacedFetcher::WaitForTurn(size_t requests) {
  if (!Wait(next_allowed_ - clock_->Now())) return false;
  if (options_.max_requests_per_second > 0) {
    next_allowed_ = clock_->Now() + absl::Seconds(1) * static_cast<double>(requests) /
                                        options_.max_requests_per_second;
  }
  return true;
}

absl::StatusOr<ctlog::HttpResponse> PacedFetcher::Retry(
    const std::string& url, const ctlog::FetchOptions& options,
    absl::StatusOr<ctlog::HttpResponse> response) {
  for (int attempt = 0;; ++attempt) {
    if (error_counts_ != nullptr) error_counts_->Count(response);  // Each answer of the log.
    if (!Retryable(response)) return response;
    absl::Duration delay = Backoff(attempt);
    if (response.ok() && response->retry_after) {
      delay = std::min(*response->retry_after, options_.max_retry_after);
      next_allowed_ = std::max(next_allowed_, clock_->Now() + delay);  // For every request.
    }
    if (attempt + 1 >= options_.max_attempts) return response;
    ++retries_;
    if (!Wait(delay) || !WaitForTurn(1)) return absl::UnavailableError("stopping");
    response = inner_->Get(url, options);
  }
}

absl::StatusOr<ctlog::HttpResponse> PacedFetcher::Get(const std::string& url,
                                                      const ctlog::FetchOptions& options) {
  if (!WaitForTurn(1)) return absl::UnavailableError("stopping");
  return Retry(url, options, inner_->Get(url, options));
}

std::vector<absl::StatusOr<ctlog::HttpResponse>> PacedFetcher::GetAll(
    const std::vector<std::string>& urls, const ctlog::FetchOptions& options) {
  if (!WaitForTurn(urls.size())) {
    return std::vector<absl::StatusOr<ctlog::HttpResponse>>(urls.size(),
                                                            absl::UnavailableError("stopping"));
  }
  std::vector<absl::StatusOr<ctlog::HttpResponse>> responses = inner_->GetAll(urls, options);
  for (size_t i = 0; i < urls.size(); ++i) {
    responses[i] = Retry(urls[i], options, std::move(responses[i]));
  }
  return responses;
}

}  // namespace caawatch::tail
