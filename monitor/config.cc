#include "monitor/config.h"

#include <functional>
#include <map>

#include "absl/strings/str_cat.h"
#include "nlohmann/json.hpp"

namespace caawatch::monitor {
namespace {

using Json = nlohmann::json;
using Setter = std::function<absl::Status(const Json&, MonitorConfig*)>;

absl::Status WrongType(const std::string& key, const char* want) {
  return absl::InvalidArgumentError(absl::StrCat("config key \"", key, "\": expected ", want));
}

Setter String(std::string MonitorConfig::*field, std::string key) {
  return [field, key](const Json& v, MonitorConfig* c) {
    if (!v.is_string()) return WrongType(key, "a string");
    c->*field = v.get<std::string>();
    return absl::OkStatus();
  };
}

Setter Strings(std::vector<std::string> MonitorConfig::*field, std::string key) {
  return [field, key](const Json& v, MonitorConfig* c) {
    if (!v.is_array()) return WrongType(key, "an array of strings");
    std::vector<std::string> out;
    for (const Json& e : v) {
      if (!e.is_string()) return WrongType(key, "an array of strings");
      out.push_back(e.get<std::string>());
    }
    c->*field = std::move(out);
    return absl::OkStatus();
  };
}

Setter Duration(absl::Duration MonitorConfig::*field, std::string key) {
  return [field, key](const Json& v, MonitorConfig* c) {
    absl::Duration d;
    if (!v.is_string() || !absl::ParseDuration(v.get<std::string>(), &d) || d <= absl::ZeroDuration()) {
      return WrongType(key, "a positive duration such as \"5s\", \"1h\" or \"250ms\"");
    }
    c->*field = d;
    return absl::OkStatus();
  };
}

const std::map<std::string, Setter>& Setters() {
  static const auto* const kSetters = new std::map<std::string, Setter>{
      {"data_dir", String(&MonitorConfig::data_dir, "data_dir")},
      {"log_list", String(&MonitorConfig::log_list, "log_list")},
      {"watch", Strings(&MonitorConfig::watch, "watch")},
      {"watchlist_file", String(&MonitorConfig::watchlist_file, "watchlist_file")},
      {"dns_servers", Strings(&MonitorConfig::dns_servers, "dns_servers")},
      {"dnssec",
       [](const Json& v, MonitorConfig* c) {
         if (!v.is_boolean()) return WrongType("dnssec", "true or false");
         c->dnssec = v.get<bool>();
         return absl::OkStatus();
       }},
      {"trust_anchor_file", String(&MonitorConfig::trust_anchor_file, "trust_anchor_file")},
      {"dns_timeout", Duration(&MonitorConfig::dns_timeout, "dns_timeout")},
      {"grpc_listen", String(&MonitorConfig::grpc_listen, "grpc_listen")},
      {"grpc_tls_cert", String(&MonitorConfig::grpc_tls_cert, "grpc_tls_cert")},
      {"grpc_tls_key", String(&MonitorConfig::grpc_tls_key, "grpc_tls_key")},
      {"grpc_client_ca", String(&MonitorConfig::grpc_client_ca, "grpc_client_ca")},
      {"grpc_tokens_file", String(&MonitorConfig::grpc_tokens_file, "grpc_tokens_file")},
      {"start_at",
       [](const Json& v, MonitorConfig* c) {
         if (v.is_number_unsigned()) {
           c->start_at = std::to_string(v.get<uint64_t>());
         } else if (v.is_string()) {
           c->start_at = v.get<std::string>();
         } else {
           return WrongType("start_at", "\"beginning\", \"end\" or an entry index");
         }
         return absl::OkStatus();
       }},
      {"sth_poll_interval", Duration(&MonitorConfig::sth_poll_interval, "sth_poll_interval")},
      {"caa_poll_interval", Duration(&MonitorConfig::caa_poll_interval, "caa_poll_interval")},
      {"batch_size",
       [](const Json& v, MonitorConfig* c) {
         if (!v.is_number_unsigned() || v.get<uint64_t>() == 0 || v.get<uint64_t>() > 100000) {
           return WrongType("batch_size", "an integer in 1..100000");
         }
         c->batch_size = v.get<size_t>();
         return absl::OkStatus();
       }},
      {"logs", Strings(&MonitorConfig::logs, "logs")},
  };
  return *kSetters;
}

}  // namespace

absl::StatusOr<MonitorConfig> ParseConfig(absl::string_view json, MonitorConfig defaults) {
  const Json doc = Json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return absl::InvalidArgumentError("config: not valid JSON");
  if (!doc.is_object()) return absl::InvalidArgumentError("config: the top level must be an object");
  MonitorConfig config = std::move(defaults);
  for (const auto& [key, value] : doc.items()) {
    auto it = Setters().find(key);
    if (it == Setters().end()) {
      return absl::InvalidArgumentError(absl::StrCat("config: unknown key \"", key, "\""));
    }
    if (absl::Status s = it->second(value, &config); !s.ok()) return s;
  }
  return config;
}

}  // namespace caawatch::monitor
