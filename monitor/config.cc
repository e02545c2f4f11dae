#include "monitor/config.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "monitor/witness_config.h"
#include "monitor/zones_config.h"
#include "nlohmann/json.hpp"
#include "watch/watchlist.h"

namespace caawatch::monitor {
namespace {

using Json = nlohmann::json;

// The library's own words in a parse error ("parse error at line 1, column 9: syntax error
// while parsing value - invalid literal") are kept up to this many bytes.
constexpr size_t kMaxJsonReason = 200;

absl::Status WrongType(absl::string_view want) {
  return absl::InvalidArgumentError(absl::StrCat("want ", want));
}

// No value is meant to hold a NUL byte, and in a path or a name one would cut it short
// ("/etc/passwd\u0000.txt" opens /etc/passwd): refused, whatever the key.
absl::Status CheckNoNul(const std::string& value) {
  if (value.find('\0') == std::string::npos) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat("holds a NUL byte: ", QuoteInput(value)));
}

absl::Status Read(const Json& v, std::string* out) {
  if (!v.is_string()) return WrongType("a string");
  CAAWATCH_RETURN_IF_ERROR(CheckNoNul(v.get_ref<const std::string&>()));
  *out = v.get<std::string>();
  return absl::OkStatus();
}

absl::Status Read(const Json& v, bool* out) {
  if (!v.is_boolean()) return WrongType("true or false");
  *out = v.get<bool>();
  return absl::OkStatus();
}

absl::Status Read(const Json& v, std::vector<std::string>* out) {
  if (!v.is_array()) return WrongType("an array of strings");
  std::vector<std::string> values;
  for (const Json& element : v) {
    if (!element.is_string()) return WrongType("an array of strings");
    CAAWATCH_RETURN_IF_ERROR(CheckNoNul(element.get_ref<const std::string&>()));
    values.push_back(element.get<std::string>());
  }
  *out = std::move(values);
  return absl::OkStatus();
}

// Durations are strings in Go's syntax ("5s", "250ms", "1h30m"), as absl::ParseDuration reads.
absl::Status Read(const Json& v, absl::Duration* out) {
  absl::Duration d;
  if (!v.is_string() || !absl::ParseDuration(v.get<std::string>(), &d)) {
    return WrongType("a duration string such as \"5s\", \"250ms\" or \"1h\"");
  }
  if (d <= absl::ZeroDuration() || d == absl::InfiniteDuration()) {
    return WrongType("a positive finite duration");
  }
  *out = d;
  return absl::OkStatus();
}

absl::Status Read(const Json& v, uint32_t* out) {
  if (!v.is_number_unsigned() || v.get<uint64_t>() == 0 ||
      v.get<uint64_t>() > std::numeric_limits<uint32_t>::max()) {
    return WrongType("a positive integer below 2^32");
  }
  *out = static_cast<uint32_t>(v.get<uint64_t>());
  return absl::OkStatus();
}

// Small counts (retries): 0 to 10.
absl::Status Read(const Json& v, int* out) {
  if (!v.is_number_integer() || v.get<int64_t>() < 0 || v.get<int64_t>() > 10) {
    return WrongType("an integer from 0 to 10");
  }
  *out = static_cast<int>(v.get<int64_t>());
  return absl::OkStatus();
}

absl::Status Read(const Json& v, double* out) {
  if (!v.is_number() || !(v.get<double>() >= 0)) return WrongType("a number >= 0");
  *out = v.get<double>();
  return absl::OkStatus();
}

absl::Status Read(const Json& v, StartAt* out) {
  if (v.is_number_unsigned()) {
    *out = StartAt{StartAt::Kind::kIndex, v.get<uint64_t>()};
    return absl::OkStatus();
  }
  if (!v.is_string()) return WrongType("\"beginning\", \"end\" or an entry index");
  CAAWATCH_ASSIGN_OR_RETURN(*out, ParseStartAt(v.get<std::string>()));
  return absl::OkStatus();
}

// The `notify` object is notify/'s to read: its sinks and their filters.
absl::Status Read(const Json& v, notify::NotifyConfig* out) {
  if (!v.is_object()) return WrongType("an object");
  CAAWATCH_ASSIGN_OR_RETURN(*out, notify::ParseNotifyConfig(v.dump(), *out));
  return absl::OkStatus();
}

absl::Status Read(const Json& v, std::vector<FollowedZoneConfig>* out) {
  return ReadFollowedZones(v, out);
}

absl::Status Read(const Json& v, std::vector<ctlog::Witness>* out) { return ReadWitnesses(v, out); }

absl::Status Read(const Json& v, std::map<std::string, uint32_t>* out) {
  return ReadWitnessQuorum(v, out);
}

// {"LOG URL": "TILES URL", ...}: both http(s) URLs.
absl::Status Read(const Json& v, std::map<std::string, std::string>* out) {
  if (!v.is_object()) return WrongType("an object of log URL: tiles URL");
  std::map<std::string, std::string> read;
  for (const auto& [log_url, tiles_url] : v.items()) {
    if (!tiles_url.is_string()) return WrongType("an object of log URL: tiles URL");
    for (const std::string& url : {log_url, tiles_url.get<std::string>()}) {
      if (!absl::StartsWith(url, "http://") && !absl::StartsWith(url, "https://")) {
        return absl::InvalidArgumentError(absl::StrCat("not an http(s) URL: ", QuoteInput(url)));
      }
    }
    read[absl::EndsWith(log_url, "/") ? log_url : log_url + "/"] = tiles_url.get<std::string>();
  }
  *out = std::move(read);
  return absl::OkStatus();
}

struct Field {
  const char* key;
  std::function<absl::Status(const Json&, MonitorConfig*)> read;
};

template <typename T>
Field MakeField(const char* key, T MonitorConfig::*member) {
  return Field{key, [member](const Json& v, MonitorConfig* c) { return Read(v, &(c->*member)); }};
}

// The one list of keys: ParseConfig accepts exactly these.
std::vector<Field> Fields() {
  using C = MonitorConfig;
  return {
      MakeField("data_dir", &C::data_dir),
      MakeField("log_list", &C::log_list),
      MakeField("log_ca_file", &C::log_ca_file),
      MakeField("log_list_refresh_interval", &C::log_list_refresh_interval),
      MakeField("watch", &C::watch),
      MakeField("watchlist_file", &C::watchlist_file),
      MakeField("dns_servers", &C::dns_servers),
      MakeField("dnssec", &C::dnssec),
      MakeField("trust_anchor_file", &C::trust_anchor_file),
      MakeField("grpc_listen", &C::grpc_listen),
      MakeField("metrics_listen", &C::metrics_listen),
      MakeField("grpc_tls_cert", &C::grpc_tls_cert),
      MakeField("grpc_tls_key", &C::grpc_tls_key),
      MakeField("grpc_client_ca", &C::grpc_client_ca),
      MakeField("grpc_tokens_file", &C::grpc_tokens_file),
      MakeField("grpc_max_subscribers", &C::grpc_max_subscribers),
      MakeField("start_at", &C::start_at),
      MakeField("sth_poll_interval", &C::sth_poll_interval),
      MakeField("caa_poll_interval", &C::caa_poll_interval),
      MakeField("batch_size", &C::batch_size),
      MakeField("max_held_findings", &C::max_held_findings),
      MakeField("max_requests_per_second", &C::max_requests_per_second),
      MakeField("dns_timeout", &C::dns_timeout),
      MakeField("dns_retries", &C::dns_retries),
      MakeField("dns_tcp_fallback", &C::dns_tcp_fallback),
      MakeField("reevaluate_interval", &C::reevaluate_interval),
      MakeField("revocation_poll_interval", &C::revocation_poll_interval),
      MakeField("tree_head_history_interval", &C::tree_head_history_interval),
      MakeField("keep_all_tree_heads_for", &C::keep_all_tree_heads_for),
      MakeField("caa_raw_answer_retention", &C::caa_raw_answer_retention),
      MakeField("log_filter", &C::log_filter),
      MakeField("log_tiles", &C::log_tiles),
      MakeField("heads_peers", &C::heads_peers),
      MakeField("heads_peer_interval", &C::heads_peer_interval),
      MakeField("heads_peer_tls_ca", &C::heads_peer_tls_ca),
      MakeField("heads_peer_token_file", &C::heads_peer_token_file),
      MakeField("notify", &C::notify),
      MakeField("zones", &C::zones),
      MakeField("notify_listen", &C::notify_listen),
      MakeField("discovered_name_expiry", &C::discovered_name_expiry),
      MakeField("max_discovered_names", &C::max_discovered_names),
      MakeField("witnesses", &C::witnesses),
      MakeField("witness_quorum", &C::witness_quorum),
      MakeField("witness_check_interval", &C::witness_check_interval),
  };
}

absl::StatusOr<Json> ParseJsonObject(absl::string_view text) {
  Json json;
  try {
    json = Json::parse(text.begin(), text.end(), /*cb=*/nullptr, /*allow_exceptions=*/true,
                       /*ignore_comments=*/true);
  } catch (const Json::exception& e) {
    // nlohmann's message ends with the token it stopped at, which may be a whole long string.
    absl::string_view what = e.what();
    if (const size_t id_end = what.find("] "); id_end != absl::string_view::npos) {
      what.remove_prefix(id_end + 2);  // "[json.exception.parse_error.101] ".
    }
    constexpr absl::string_view kLastRead = "; last read: ";
    const size_t last_read = what.find(kLastRead);
    if (last_read == absl::string_view::npos) {
      return absl::InvalidArgumentError(absl::StrCat("config: not JSON: ", QuoteInput(what)));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "config: not JSON: ", absl::CHexEscape(what.substr(0, std::min(last_read, kMaxJsonReason))),
        kLastRead, QuoteInput(what.substr(last_read + kLastRead.size()))));
  }
  if (!json.is_object()) return absl::InvalidArgumentError("config: not a JSON object");
  return json;
}

}  // namespace

absl::StatusOr<MonitorConfig> ParseConfig(absl::string_view json_text, MonitorConfig defaults) {
  CAAWATCH_ASSIGN_OR_RETURN(const Json json, ParseJsonObject(json_text));
  const std::vector<Field> fields = Fields();
  MonitorConfig config = std::move(defaults);
  for (const auto& [key, value] : json.items()) {
    const auto field = std::find_if(fields.begin(), fields.end(),
                                    [&key = key](const Field& f) { return key == f.key; });
    if (field == fields.end()) {
      return absl::InvalidArgumentError(absl::StrCat("config: unknown key ", QuoteInput(key)));
    }
    CAAWATCH_RETURN_IF_ERROR(Annotate(field->read(value, &config), absl::StrCat("config: ", key)));
  }
  for (const std::string& entry : config.watch) {
    CAAWATCH_RETURN_IF_ERROR(Annotate(watch::ParseWatchItem(entry).status(),
                                      absl::StrCat("config: watch: ", QuoteInput(entry))));
  }
  // A lookup blocks the log worker that asked: one attempt must stay short.
  if (config.dns_timeout > absl::Seconds(60)) {
    return absl::InvalidArgumentError("config: dns_timeout: at most 60s");
  }
  if (json.contains("data_dir") && config.data_dir.empty()) {
    return absl::InvalidArgumentError("config: data_dir: empty");
  }
  if (config.tree_head_history_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("config: tree_head_history_interval: at least 1s");
  }
  if (config.caa_raw_answer_retention < absl::Hours(24)) {
    return absl::InvalidArgumentError("config: caa_raw_answer_retention: at least 24h");
  }
  if (config.grpc_tls_cert.empty() != config.grpc_tls_key.empty()) {
    return absl::InvalidArgumentError(
        "config: grpc_tls_cert and grpc_tls_key must be set together");
  }
  CAAWATCH_RETURN_IF_ERROR(
      Annotate(CheckWitnessQuorum(config.witnesses, config.witness_quorum), "config"));
  return config;
}

std::vector<std::string> ConfigKeys() {
  std::vector<std::string> keys;
  for (const Field& field : Fields()) keys.emplace_back(field.key);
  return keys;
}

}  // namespace caawatch::monitor
