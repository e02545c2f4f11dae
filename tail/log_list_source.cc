#include "tail/log_list_source.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/embedded_log_list.h"
#include "ctlog/log_list.h"

namespace caawatch::tail {

LogListSource::LogListSource(std::string source, std::unique_ptr<ctlog::HttpFetcher> fetcher,
                             const Logger* logger)
    : source_(std::move(source)), fetcher_(std::move(fetcher)), logger_(logger) {}

bool LogListSource::IsUrl(const std::string& source) {
  return absl::StartsWith(source, "http://") || absl::StartsWith(source, "https://");
}

// The list's text, or nullopt for a 304 Not Modified.
absl::StatusOr<std::optional<std::string>> LogListSource::Fetch() {
  if (fetcher_ == nullptr) return absl::InternalError("log list URL without a fetcher");
  ctlog::FetchOptions options;
  options.timeout = absl::Seconds(30);
  options.max_body_bytes = kMaxLogListBytes;
  options.if_none_match = etag_;
  CAAWATCH_ASSIGN_OR_RETURN(ctlog::HttpResponse response, fetcher_->Get(source_, options));
  if (response.status == 304 && !etag_.empty()) return std::optional<std::string>();
  if (response.status != 200) {
    return absl::UnavailableError(
        absl::StrCat("log list ", source_, ": HTTP status ", response.status));
  }
  etag_ = response.etag;
  return std::optional<std::string>(std::move(response.body));
}

absl::StatusOr<std::vector<ctlog::LogInfo>> LogListSource::Load() {
  std::string text;
  if (source_.empty()) {
    text = std::string(ctlog::EmbeddedLogListJson());
  } else if (IsUrl(source_)) {
    etag_.clear();
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> fetched, Fetch());
    text = fetched.value_or("");
  } else {
    CAAWATCH_ASSIGN_OR_RETURN(text, ReadBoundedFile(source_, kMaxLogListBytes, "log list"));
  }
  return Parse(text);
}

absl::StatusOr<std::vector<ctlog::LogInfo>> LogListSource::Parse(absl::string_view text) const {
  absl::StatusOr<std::vector<ctlog::LogInfo>> logs = ctlog::ParseLogList(text);
  // ParseLogList's messages start "log list: "; which list it was is what they lack.
  if (!logs.ok()) {
    return Annotate(logs.status(), source_.empty() ? "the embedded list" : QuoteInput(source_));
  }
  for (const std::string& message : ctlog::MergeRepeatedLogs(&*logs)) {
    if (logger_ != nullptr) logger_->Log(LogLevel::kWarning, "loglist", message);
  }
  return logs;
}

absl::StatusOr<std::optional<std::vector<ctlog::LogInfo>>> LogListSource::Refresh() {
  if (!IsUrl(source_)) return std::optional<std::vector<ctlog::LogInfo>>();
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> fetched, Fetch());
  if (!fetched) return std::optional<std::vector<ctlog::LogInfo>>();
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<ctlog::LogInfo> logs, Parse(*fetched));
  return std::optional<std::vector<ctlog::LogInfo>>(std::move(logs));
}

}  // namespace caawatch::tail
