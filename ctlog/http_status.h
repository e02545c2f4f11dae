// How the CT read clients (RFC 6962 JSON and static-ct-api tiles) read an HTTP answer: the
// body of a 200, or the error code the caller should react to (STYLE.md "Errors").
#ifndef CAAWATCH_CTLOG_HTTP_STATUS_H_
#define CAAWATCH_CTLOG_HTTP_STATUS_H_

#include <string>

#include "absl/status/statusor.h"
#include "ctlog/http_fetcher.h"

namespace caawatch::ctlog {

// The body of a 200 response to GET `url`. Otherwise: kUnavailable for 429 and 5xx (retry;
// the message carries any Retry-After), kInvalidArgument for other 4xx (the log refused the
// request; the message quotes the start of the body), kDataLoss for any other status.
absl::StatusOr<std::string> BodyOfOkResponse(const std::string& url, HttpResponse response);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_HTTP_STATUS_H_
