// How many requests to one log failed, by kind, since the start: what /metrics shows as
// caawatch_log_fetch_errors_total. Counted by the log's PacedFetcher on every answer it gets
// (retries too); read at scrape time from another thread. No lock: relaxed atomics.
#ifndef CAAWATCH_TAIL_FETCH_ERROR_COUNTS_H_
#define CAAWATCH_TAIL_FETCH_ERROR_COUNTS_H_

#include <array>
#include <atomic>
#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/http_fetcher.h"

namespace caawatch::tail {

enum class FetchErrorKind {
  kRateLimited,  // HTTP 429.
  kServerError,  // HTTP 5xx.
  kClientError,  // HTTP 4xx but 429 and 404 (a tile or entry not there yet is no error).
  kTimeout,      // No answer in time.
  kTransport,    // No HTTP answer: connection refused or reset, TLS, DNS.
};
inline constexpr int kFetchErrorKinds = 5;
// "rate_limited", "server_error", "client_error", "timeout", "transport".
absl::string_view FetchErrorKindName(FetchErrorKind kind);

class FetchErrorCounts {
 public:
  // Counts `response` if it is an error of some kind.
  void Count(const absl::StatusOr<ctlog::HttpResponse>& response);
  uint64_t Get(FetchErrorKind kind) const {
    return counts_[static_cast<int>(kind)].load(std::memory_order_relaxed);
  }

 private:
  std::array<std::atomic<uint64_t>, kFetchErrorKinds> counts_{};
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_FETCH_ERROR_COUNTS_H_
