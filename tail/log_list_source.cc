#include "tail/log_list_source.h"

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/embedded_log_list.h"
#include "ctlog/log_list.h"
#include "nlohmann/json.hpp"

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

absl::StatusOr<std::vector<ctlog::LogInfo>> LogListSource::Parse(absl::string_view text) {
  absl::StatusOr<std::vector<ctlog::LogInfo>> logs = ctlog::ParseLogList(text);
  description_ = source_.empty() ? "the embedded list" : QuoteInput(source_);
  // ParseLogList's messages start "log list: "; which list it was is what they lack.
  if (!logs.ok()) return Annotate(logs.status(), description_);
  // The header of a v3 list; ParseLogList has checked the rest. Missing fields are left out.
  const nlohmann::json header = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false);
  published_rates_.clear();
  if (header.is_object() && header.contains("operators") && header["operators"].is_array()) {
    for (const nlohmann::json& op : header["operators"]) {
      if (!op.is_object()) continue;
      for (const char* kind : {"logs", "tiled_logs"}) {
        if (!op.contains(kind) || !op[kind].is_array()) continue;
        for (const nlohmann::json& log : op[kind]) {
          if (!log.is_object() || !log.contains("log_id") || !log["log_id"].is_string()) continue;
          auto qps = log.find("certspotter_download_qps");
          if (qps != log.end() && qps->is_number() && qps->get<double>() > 0) {
            published_rates_[log["log_id"].get<std::string>()] = qps->get<double>();
          }
        }
      }
    }
  }
  if (header.is_object()) {
    for (const char* key : {"version", "log_list_timestamp"}) {
      auto it = header.find(key);
      if (it != header.end() && it->is_string()) {
        absl::StrAppend(&description_, std::string_view(key) == "version" ? ", version " : ", of ",
                        QuoteInput(it->get<std::string>()));
      }
    }
  }
  for (const std::string& message : ctlog::MergeRepeatedLogs(&*logs)) {
    if (logger_ != nullptr) logger_->Log(LogLevel::kWarning, "loglist", message);
  }
  return logs;
}

double LogListSource::PublishedRate(const ctlog::LogInfo& log) const {
  const auto it = published_rates_.find(absl::Base64Escape(
      absl::string_view(reinterpret_cast<const char*>(log.log_id.data()), log.log_id.size())));
  return it == published_rates_.end() ? 0 : it->second;
}

absl::StatusOr<std::optional<std::vector<ctlog::LogInfo>>> LogListSource::Refresh() {
  if (!IsUrl(source_)) return std::optional<std::vector<ctlog::LogInfo>>();
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> fetched, Fetch());
  if (!fetched) return std::optional<std::vector<ctlog::LogInfo>>();
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<ctlog::LogInfo> logs, Parse(*fetched));
  return std::optional<std::vector<ctlog::LogInfo>>(std::move(logs));
}

}  // namespace caawatch::tail
