// Where the CT log list comes from: the copy embedded at build time, a file, or an http(s) URL
// that is fetched again on request with If-None-Match, so an unchanged list costs a 304.
#ifndef CAAWATCH_TAIL_LOG_LIST_SOURCE_H_
#define CAAWATCH_TAIL_LOG_LIST_SOURCE_H_

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/log.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_types.h"

namespace caawatch::tail {

// Chrome's list is ~100 KiB; a file or an answer over this is not a log list.
inline constexpr size_t kMaxLogListBytes = size_t{16} << 20;

class LogListSource {
 public:
  // `source`: "" (embedded), a file path, or an http:// or https:// URL. `fetcher` is used for
  // URLs only (may be null otherwise). `logger` (borrowed, may be null) hears of a log listed
  // twice.
  LogListSource(std::string source, std::unique_ptr<ctlog::HttpFetcher> fetcher,
                const Logger* logger = nullptr);

  static bool IsUrl(const std::string& source);

  // Reads and parses the list; a log listed twice is kept once (ctlog::MergeRepeatedLogs), with
  // a warning. kInvalidArgument for an unreadable file (a file over kMaxLogListBytes, or not a
  // regular file, included) or a malformed list, kUnavailable when the URL cannot be fetched
  // (or answers other than 200).
  [[nodiscard]] absl::StatusOr<std::vector<ctlog::LogInfo>> Load();
  // URL sources: fetches the list again with the ETag of the last answer; nullopt when the
  // server says it is unchanged (304) or the source is not a URL. Errors as Load().
  [[nodiscard]] absl::StatusOr<std::optional<std::vector<ctlog::LogInfo>>> Refresh();
  // Which list the last Load or Refresh read, for the log: "the embedded list" (or the file or
  // URL), with its version and log_list_timestamp when it has them.
  const std::string& description() const { return description_; }
  // The log's own request rate limit in the last list read (certspotter's log list extension
  // `certspotter_download_qps`, ct-ecosystem.md), 0 when it gives none.
  double PublishedRate(const ctlog::LogInfo& log) const;

 private:
  absl::StatusOr<std::optional<std::string>> Fetch();
  absl::StatusOr<std::vector<ctlog::LogInfo>> Parse(absl::string_view text);

  const std::string source_;
  std::unique_ptr<ctlog::HttpFetcher> fetcher_;
  const Logger* const logger_;
  std::string etag_;
  std::string description_;
  std::map<std::string, double> published_rates_;  // By log ID (base64, as listed).
};

}  // namespace caawatch::tail

#endif  // CAAWATCH_TAIL_LOG_LIST_SOURCE_H_
