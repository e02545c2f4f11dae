#include "notify/notify_config.h"

#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "nlohmann/json.hpp"

namespace caawatch::notify {
namespace {

using Json = nlohmann::json;

absl::Status Bad(absl::string_view key, absl::string_view want) {
  return absl::InvalidArgumentError(absl::StrCat(key, ": want ", want));
}

// Paths, addresses and URLs: a NUL byte would cut one short where it is used.
absl::Status ReadString(const Json& v, absl::string_view key, std::string* out) {
  if (!v.is_string()) return Bad(key, "a string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find('\0') != std::string::npos) {
    return absl::InvalidArgumentError(absl::StrCat(key, ": holds a NUL byte: ", QuoteInput(s)));
  }
  *out = s;
  return absl::OkStatus();
}

absl::Status ReadDuration(const Json& v, absl::string_view key, absl::Duration* out) {
  absl::Duration d;
  if (!v.is_string() || !absl::ParseDuration(v.get<std::string>(), &d) ||
      d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return Bad(key, "a positive duration such as \"30s\" or \"5m\"");
  }
  *out = d;
  return absl::OkStatus();
}

absl::Status ReadWatch(const Json& v, absl::string_view key, std::vector<std::string>* out) {
  if (!v.is_array()) return Bad(key, "an array of watch items");
  out->clear();
  for (const Json& item : v) {
    std::string s;
    CAAWATCH_RETURN_IF_ERROR(ReadString(item, key, &s));
    if (s.empty() || s == "." || absl::StrContains(s, " ") || absl::StrContains(s, "\t")) {
      return absl::InvalidArgumentError(absl::StrCat(key, ": not a watch item: ", QuoteInput(s)));
    }
    out->push_back(std::move(s));
  }
  return absl::OkStatus();
}

absl::StatusOr<SinkConfig> ReadSink(const Json& v, const std::string& at) {
  if (!v.is_object()) return Bad(at, "an object with one of script, email, webhook");
  SinkConfig sink;
  int targets = 0;
  for (const auto& [key, value] : v.items()) {
    const std::string name = absl::StrCat(at, ".", key);
    if (key == "script" || key == "email" || key == "webhook") {
      ++targets;
      sink.kind = key == "script"  ? SinkKind::kScript
                  : key == "email" ? SinkKind::kEmail
                                   : SinkKind::kWebhook;
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, name, &sink.target));
      if (sink.target.empty()) return absl::InvalidArgumentError(absl::StrCat(name, ": empty"));
    } else if (key == "min_severity") {
      std::string s;
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, name, &s));
      absl::StatusOr<store::Severity> severity = store::SeverityFromName(s);
      if (!severity.ok()) return Bad(name, "info, warning or critical");
      sink.min_severity = *severity;
    } else if (key == "watch") {
      CAAWATCH_RETURN_IF_ERROR(ReadWatch(value, name, &sink.watch));
    } else if (key == "timeout") {
      CAAWATCH_RETURN_IF_ERROR(ReadDuration(value, name, &sink.timeout));
    } else if (key == "secret_file") {
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, name, &sink.secret_file));
    } else {
      return absl::InvalidArgumentError(absl::StrCat(at, ": unknown key ", QuoteInput(key)));
    }
  }
  if (targets != 1) return Bad(at, "exactly one of script, email, webhook");
  if (!sink.secret_file.empty() && sink.kind != SinkKind::kWebhook) {
    return absl::InvalidArgumentError(absl::StrCat(at, ".secret_file: only for a webhook"));
  }
  return sink;
}

absl::Status ReadIodef(const Json& v, IodefConfig* out) {
  if (!v.is_object()) return Bad("iodef", "an object");
  for (const auto& [key, value] : v.items()) {
    const std::string name = absl::StrCat("iodef.", key);
    if (key == "enabled") {
      if (!value.is_boolean()) return Bad(name, "true or false");
      out->enabled = value.get<bool>();
    } else if (key == "from") {
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, name, &out->from));
    } else if (key == "rate_per_target_per_hour") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 1000) {
        return Bad(name, "an integer from 1 to 1000");
      }
      out->rate_per_target_per_hour = static_cast<int>(value.get<int64_t>());
    } else if (key == "timeout") {
      CAAWATCH_RETURN_IF_ERROR(ReadDuration(value, name, &out->timeout));
    } else {
      return absl::InvalidArgumentError(absl::StrCat("iodef: unknown key ", QuoteInput(key)));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<Json> ParseObject(absl::string_view text) {
  Json json = Json::parse(text.begin(), text.end(), /*cb=*/nullptr, /*allow_exceptions=*/false,
                          /*ignore_comments=*/true);
  if (json.is_discarded() || !json.is_object()) {
    return absl::InvalidArgumentError("want an object");
  }
  return json;
}

}  // namespace

absl::StatusOr<NotifyConfig> ParseNotifyConfig(absl::string_view json_text, NotifyConfig defaults) {
  CAAWATCH_ASSIGN_OR_RETURN(const Json json, ParseObject(json_text));
  NotifyConfig config = std::move(defaults);
  for (const auto& [key, value] : json.items()) {
    if (key == "sinks") {
      if (!value.is_array()) return Bad(key, "an array of sink objects");
      config.sinks.clear();
      for (size_t i = 0; i < value.size(); ++i) {
        CAAWATCH_ASSIGN_OR_RETURN(SinkConfig sink,
                                  ReadSink(value[i], absl::StrCat("sinks[", i, "]")));
        config.sinks.push_back(std::move(sink));
      }
    } else if (key == "hooks_dir") {
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, key, &config.hooks_dir));
    } else if (key == "sendmail") {
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, key, &config.sendmail));
      if (config.sendmail.empty()) return absl::InvalidArgumentError("sendmail: empty");
    } else if (key == "mail_from") {
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, key, &config.mail_from));
    } else if (key == "webhook_ca_file") {
      CAAWATCH_RETURN_IF_ERROR(ReadString(value, key, &config.webhook_ca_file));
    } else if (key == "poll_interval") {
      CAAWATCH_RETURN_IF_ERROR(ReadDuration(value, key, &config.poll_interval));
    } else if (key == "max_backoff") {
      CAAWATCH_RETURN_IF_ERROR(ReadDuration(value, key, &config.max_backoff));
    } else if (key == "heartbeat") {
      CAAWATCH_RETURN_IF_ERROR(ReadDuration(value, key, &config.heartbeat));
    } else if (key == "iodef") {
      CAAWATCH_RETURN_IF_ERROR(ReadIodef(value, &config.iodef));
    } else if (key == "once_attempts") {
      if (!value.is_number_integer() || value.get<int64_t>() < 1 || value.get<int64_t>() > 20) {
        return Bad(key, "an integer from 1 to 20");
      }
      config.once_attempts = static_cast<int>(value.get<int64_t>());
    } else {
      return absl::InvalidArgumentError(absl::StrCat("unknown key ", QuoteInput(key)));
    }
  }
  return config;
}

const char* SinkKindName(SinkKind kind) {
  switch (kind) {
    case SinkKind::kScript:
      return "script";
    case SinkKind::kEmail:
      return "email";
    case SinkKind::kWebhook:
      return "webhook";
  }
  return "script";
}

}  // namespace caawatch::notify
