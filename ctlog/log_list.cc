#include "ctlog/log_list.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "nlohmann/json.hpp"

namespace caawatch::ctlog {
namespace {

using Json = nlohmann::json;

std::string StringField(const Json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : std::string();
}

absl::Time TimeField(const Json& j, const char* key, absl::Time fallback) {
  absl::StatusOr<absl::Time> t = ParseRfc3339(StringField(j, key));
  return t.ok() ? *t : fallback;
}

std::string WithSlash(std::string url) {
  if (!url.empty() && url.back() != '/') url.push_back('/');
  return url;
}

absl::StatusOr<LogInfo> ParseLog(const Json& j, const std::string& operator_name, LogKind kind) {
  if (!j.is_object()) return absl::InvalidArgumentError("log entry is not an object");
  LogInfo log;
  log.kind = kind;
  log.operator_name = operator_name;
  log.description = StringField(j, "description");
  std::string key, id;
  if (!absl::Base64Unescape(StringField(j, "key"), &key) || key.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("log '", log.description, "': bad key"));
  }
  log.key_der.assign(key.begin(), key.end());
  log.log_id = Sha256(log.key_der);
  if (!absl::Base64Unescape(StringField(j, "log_id"), &id) ||
      id != std::string(log.log_id.begin(), log.log_id.end())) {
    return absl::DataLossError(
        absl::StrCat("log '", log.description, "': log_id is not the SHA-256 of its key"));
  }
  log.url = WithSlash(kind == LogKind::kRfc6962 ? StringField(j, "url")
                                                : StringField(j, "monitoring_url"));
  log.submission_url = StringField(j, "submission_url");
  if (kind == LogKind::kRfc6962 && !StringField(j, "tiles_url").empty()) {
    log.tiles_url = WithSlash(StringField(j, "tiles_url"));
  }
  if (log.url == "/")
    return absl::InvalidArgumentError(absl::StrCat("log '", log.description, "': no URL"));
  if (j.contains("mmd") && j["mmd"].is_number_unsigned())
    log.mmd = absl::Seconds(j["mmd"].get<uint64_t>());
  log.state = LogState::kPending;
  if (j.contains("state") && j["state"].is_object() && !j["state"].empty()) {
    // The first (only) member. Not `*j["state"].items().begin()`: that binds to a temporary
    // iterator that dies at the end of the statement (ASan, log_json_fuzz).
    const auto first = j["state"].begin();
    const std::string name = first.key();
    const Json& value = first.value();
    static const std::pair<const char*, LogState> kStates[] = {
        {"pending", LogState::kPending}, {"qualified", LogState::kQualified},
        {"usable", LogState::kUsable},   {"readonly", LogState::kReadOnly},
        {"retired", LogState::kRetired}, {"rejected", LogState::kRejected}};
    for (const auto& [n, s] : kStates) {
      if (name == n) log.state = s;
    }
    log.state_since = TimeField(value, "timestamp", absl::InfinitePast());
    if (log.state == LogState::kReadOnly && value.contains("final_tree_head") &&
        value["final_tree_head"].contains("tree_size") &&
        value["final_tree_head"]["tree_size"].is_number_unsigned()) {
      log.final_tree_size = value["final_tree_head"]["tree_size"].get<uint64_t>();
    }
  }
  if (j.contains("temporal_interval") && j["temporal_interval"].is_object()) {
    log.temporal_start = TimeField(j["temporal_interval"], "start_inclusive", absl::InfinitePast());
    log.temporal_end = TimeField(j["temporal_interval"], "end_exclusive", absl::InfiniteFuture());
  }
  return log;
}

}  // namespace

absl::StatusOr<std::vector<LogInfo>> ParseLogList(absl::string_view json) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded() || !doc.is_object()) {
    return absl::InvalidArgumentError("log list: not a JSON object");
  }
  if (!doc.contains("operators") || !doc["operators"].is_array()) {
    return absl::InvalidArgumentError("log list: no operators array (not a v3 list?)");
  }
  std::vector<LogInfo> logs;
  for (const Json& op : doc["operators"]) {
    const std::string name = StringField(op, "name");
    for (const auto& [field, kind] :
         {std::pair{"logs", LogKind::kRfc6962}, std::pair{"tiled_logs", LogKind::kStaticCtApi}}) {
      if (!op.contains(field)) continue;
      if (!op[field].is_array())
        return absl::InvalidArgumentError(absl::StrCat("log list: ", field, " is not an array"));
      for (const Json& j : op[field]) {
        absl::StatusOr<LogInfo> log = ParseLog(j, name, kind);
        if (!log.ok()) return log.status();
        logs.push_back(std::move(*log));
      }
    }
  }
  return logs;
}

std::vector<std::string> MergeRepeatedLogs(std::vector<LogInfo>* logs) {
  std::vector<std::string> messages;
  absl::flat_hash_map<std::string, size_t> first;  // log_id -> index of its first listing.
  std::vector<LogInfo> kept;
  kept.reserve(logs->size());
  for (LogInfo& log : *logs) {
    const auto [it, inserted] =
        first.try_emplace(std::string(log.log_id.begin(), log.log_id.end()), kept.size());
    if (inserted) {
      kept.push_back(std::move(log));
      continue;
    }
    const LogInfo& kept_log = kept[it->second];
    messages.push_back(absl::StrCat(
        "log list: log ", QuoteInput(log.description), " (", QuoteInput(log.url),
        ") has the log_id of the log listed before it, ", QuoteInput(kept_log.description), " (",
        QuoteInput(kept_log.url), "): the later listing is ignored"));
  }
  *logs = std::move(kept);
  return messages;
}

bool IsTailable(const LogInfo& log) {
  return log.state == LogState::kUsable || log.state == LogState::kQualified ||
         log.state == LogState::kReadOnly;
}

const char* LogStateName(LogState state) {
  switch (state) {
    case LogState::kPending:
      return "pending";
    case LogState::kQualified:
      return "qualified";
    case LogState::kUsable:
      return "usable";
    case LogState::kReadOnly:
      return "readonly";
    case LogState::kRetired:
      return "retired";
    case LogState::kRejected:
      return "rejected";
  }
  return "?";
}

}  // namespace caawatch::ctlog
