#include "tail/fetch_error_counts.h"

#include <optional>

namespace caawatch::tail {

absl::string_view FetchErrorKindName(FetchErrorKind kind) {
  switch (kind) {
    case FetchErrorKind::kRateLimited:
      return "rate_limited";
    case FetchErrorKind::kServerError:
      return "server_error";
    case FetchErrorKind::kClientError:
      return "client_error";
    case FetchErrorKind::kTimeout:
      return "timeout";
    case FetchErrorKind::kTransport:
      return "transport";
  }
  return "unknown";
}

void FetchErrorCounts::Count(const absl::StatusOr<ctlog::HttpResponse>& response) {
  std::optional<FetchErrorKind> kind;
  if (!response.ok()) {
    kind = absl::IsDeadlineExceeded(response.status()) ? FetchErrorKind::kTimeout
                                                       : FetchErrorKind::kTransport;
  } else if (response->status == 429) {
    kind = FetchErrorKind::kRateLimited;
  } else if (response->status >= 500) {
    kind = FetchErrorKind::kServerError;
  } else if (response->status >= 400 && response->status != 404) {
    kind = FetchErrorKind::kClientError;
  }
  if (kind) counts_[static_cast<int>(*kind)].fetch_add(1, std::memory_order_relaxed);
}

}  // namespace caawatch::tail
