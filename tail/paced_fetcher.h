// How caawatch asks a log for anything: at most max_requests_per_second, Retry-After honoured,
// and 429/5xx answers and transport failures retried with exponential backoff and jitter (the
// operators' requests, ct-ecosystem.md §e4). One per log, wrapping that log's own fetcher, so a
// slow or rate-limited log waits alone.
#ifndef CAAWATCH_TAIL_PACED_FETCHER_H_
#define CAAWATCH_TAIL_PACED_FETCHER_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "ctlog/http_fetcher.h"
#include "tail/fetch_error_counts.h"

namespace caawatch::tail {

struct PacingOptions {
  // 10/s is the highest rate an operator announced (DigiCert); 0 = no limit.
  double max_requests_per_second = 10;
  int max_attempts = 4;  // Per request, counting the first.
  absl::Duration initial_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(30);
  absl::Duration max_retry_after = absl::Minutes(5);  // A longer Retry-After is capped.
};

// Thread-compatible, like the fetcher it wraps.
class PacedFetcher final : public ctlog::HttpFetcher {
 public:
  // `clock` (borrowed) measures the spacing and times the waits; `seed` varies the jitter
  // between logs.
  PacedFetcher(std::unique_ptr<ctlog::HttpFetcher> inner, PacingOptions options, const Clock* clock,
               uint64_t seed);

  // Waits end early once `stop` (borrowed; null = never) is notified: the request then fails
  // with kUnavailable so that the worker can return.
  void SetStop(const absl::Notification* stop) override {
    stop_ = stop;
    inner_->SetStop(stop);
  }

  // Waits for its turn, then GETs; a 429 or 5xx answer or a kUnavailable failure is retried
  // after the server's Retry-After or the backoff, up to max_attempts; the last answer or error
  // is returned as the inner fetcher gave it. A Retry-After also delays every later request.
  [[nodiscard]] absl::StatusOr<ctlog::HttpResponse> Get(
      const std::string& url, const ctlog::FetchOptions& options) override;

  // All at once through the inner fetcher's GetAll, counted as urls.size() requests for the
  // rate; each failed one is then retried alone as Get retries.
  [[nodiscard]] std::vector<absl::StatusOr<ctlog::HttpResponse>> GetAll(
      const std::vector<std::string>& urls, const ctlog::FetchOptions& options) override;

  int retries() const { return retries_; }
  // Where every answer from the log is counted if it is an error (null = nowhere); borrowed.
  void set_error_counts(FetchErrorCounts* counts) { error_counts_ = counts; }

 private:
  bool Wait(absl::Duration d);  // False when stopped.
  bool WaitForTurn(size_t requests);
  // The retries of a request whose first answer was `response`.
  absl::StatusOr<ctlog::HttpResponse> Retry(const std::string& url,
                                            const ctlog::FetchOptions& options,
                                            absl::StatusOr<ctlog::HttpResponse> response);
  absl::Duration Backoff(int attempt);

  std::unique_ptr<ctlog::HttpFetcher> inner_;
  PacingOptions options_;
  const Clock* clock_;
  std::mt19937_64 jitter_;
  const absl::Notification* stop_ = nullptr;
  absl::Time next_allowed_ = absl::InfinitePast();
  int retries_ = 0;
  FetchErrorCounts* error_counts_ = nullptr;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_PACED_FETCHER_H_
