// Where the CT log list comes from: the copy embedded at build time, a file, or an http(s) URL
// that is fetched again on request with If-None-Match, so an unchanged list costs a 304.
#ifndef CAAWATCH_TAIL_LOG_LIST_SOURCE_H_
#define CAAWATCH_TAIL_LOG_LIST_SOURCE_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_types.h"

namespace caawatch::tail {

class LogListSource {
 public:
  // `source`: "" (embedded), a file path, or an http:// or https:// URL. `fetcher` is used for
  // URLs only (may be null otherwise).
  LogListSource(std::string source, std::unique_ptr<ctlog::HttpFetcher> fetcher);

  static bool IsUrl(const std::string& source);

  // Reads and parses the list. kInvalidArgument for an unreadable file or a malformed list,
  // kUnavailable when the URL cannot be fetched (or answers other than 200).
  [[nodiscard]] absl::StatusOr<std::vector<ctlog::LogInfo>> Load();
  // URL sources: fetches the list again with the ETag of the last answer; nullopt when the
  // server says it is unchanged (304) or the source is not a URL. Errors as Load().
  [[nodiscard]] absl::StatusOr<std::optional<std::vector<ctlog::LogInfo>>> Refresh();

 private:
  absl::StatusOr<std::optional<std::string>> Fetch();

  const std::string source_;
  std::unique_ptr<ctlog::HttpFetcher> fetcher_;
  std::string etag_;
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_LOG_LIST_SOURCE_H_
