#include "ctlog/http_status.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace caawatch::ctlog {

absl::StatusOr<std::string> BodyOfOkResponse(const std::string& url, HttpResponse response) {
  const int status = response.status;
  if (status == 200) return std::move(response.body);
  const std::string where = absl::StrCat("GET ", url, ": HTTP ", status);
  if (status == 429 || (status >= 500 && status <= 599)) {
    if (!response.retry_after.has_value()) return absl::UnavailableError(where);
    return absl::UnavailableError(
        absl::StrCat(where, " (Retry-After ", absl::FormatDuration(*response.retry_after), ")"));
  }
  if (status >= 400 && status <= 499) {
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", response.body.substr(0, 200)));
  }
  return absl::DataLossError(absl::StrCat(where, " unexpected"));
}

}  // namespace caawatch::ctlog
