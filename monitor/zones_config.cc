#include "monitor/zones_config.h"

#include <arpa/inet.h>

#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "caa/zone_signatures.h"
#include "names/domain_name.h"

namespace caawatch::monitor {
namespace {

using Json = nlohmann::json;

absl::Status Bad(size_t i, absl::string_view key, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("zones[", i, "].", key, ": ", why));
}

bool IsIp(const std::string& host) {
  unsigned char buf[16];
  return inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

// "192.0.2.1", "192.0.2.1:5300", "[2001:db8::1]:53", "2001:db8::1" -> "HOST:PORT" as
// caa::ZoneTransferOptions takes it; nullopt if it is none of these.
std::optional<std::string> NormalizePrimary(const std::string& text) {
  std::string host = text, port = "53";
  if (!text.empty() && text.front() == '[') {
    const size_t end = text.find(']');
    if (end == std::string::npos) return std::nullopt;
    host = text.substr(1, end - 1);
    if (end + 1 < text.size()) {
      if (text[end + 1] != ':') return std::nullopt;
      port = text.substr(end + 2);
    }
  } else if (std::count(text.begin(), text.end(), ':') == 1) {
    host = text.substr(0, text.find(':'));
    port = text.substr(text.find(':') + 1);
  }
  uint32_t p = 0;
  if (!IsIp(host) || !absl::SimpleAtoi(port, &p) || p == 0 || p > 65535) return std::nullopt;
  return host.find(':') != std::string::npos ? absl::StrCat("[", host, "]:", p)
                                             : absl::StrCat(host, ":", p);
}

absl::Status ReadString(const Json& v, size_t i, absl::string_view key, std::string* out) {
  if (!v.is_string()) return Bad(i, key, "want a string");
  const std::string& s = v.get_ref<const std::string&>();
  if (s.find('\0') != std::string::npos) return Bad(i, key, "holds a NUL byte");
  *out = s;
  return absl::OkStatus();
}

}  // namespace

absl::Status ReadFollowedZones(const Json& value, std::vector<FollowedZoneConfig>* out) {
  if (!value.is_array()) return absl::InvalidArgumentError("want an array of zone objects");
  std::vector<FollowedZoneConfig> zones;
  std::set<std::string> seen;
  for (size_t i = 0; i < value.size(); ++i) {
    const Json& entry = value[i];
    if (!entry.is_object())
      return absl::InvalidArgumentError(absl::StrCat("zones[", i, "]: want an object"));
    FollowedZoneConfig z;
    for (const auto& [key, v] : entry.items()) {
      if (key == "zone") {
        CAAWATCH_RETURN_IF_ERROR(ReadString(v, i, key, &z.zone));
      } else if (key == "primaries") {
        if (!v.is_array() || v.empty()) return Bad(i, key, "want a non-empty array of addresses");
        for (const Json& p : v) {
          std::string text;
          CAAWATCH_RETURN_IF_ERROR(ReadString(p, i, key, &text));
          const std::optional<std::string> primary = NormalizePrimary(text);
          if (!primary) {
            return Bad(i, key,
                       absl::StrCat(QuoteInput(text),
                                    " is not an IP address with an "
                                    "optional port (192.0.2.1:53, [2001:db8::1]:53)"));
          }
          z.primaries.push_back(*primary);
        }
      } else if (key == "tsig_key_name") {
        CAAWATCH_RETURN_IF_ERROR(ReadString(v, i, key, &z.tsig_key_name));
      } else if (key == "tsig_algorithm") {
        CAAWATCH_RETURN_IF_ERROR(ReadString(v, i, key, &z.tsig_algorithm));
      } else if (key == "tsig_secret_file") {
        CAAWATCH_RETURN_IF_ERROR(ReadString(v, i, key, &z.tsig_secret_file));
      } else if (key == "ds_file") {
        CAAWATCH_RETURN_IF_ERROR(ReadString(v, i, key, &z.ds_file));
      } else {
        return Bad(i, key, "unknown key");
      }
    }
    absl::StatusOr<names::DomainName> name = names::DomainName::Parse(z.zone);
    if (!name.ok()) return Bad(i, "zone", name.status().message());
    z.zone = name->str();
    if (!seen.insert(z.zone).second)
      return Bad(i, "zone", absl::StrCat(z.zone, " is listed twice"));
    if (z.primaries.empty()) return Bad(i, "primaries", "missing");
    if (z.tsig_key_name.empty() != z.tsig_secret_file.empty()) {
      return Bad(i, "tsig_key_name", "tsig_key_name and tsig_secret_file must be set together");
    }
    zones.push_back(std::move(z));
  }
  *out = std::move(zones);
  return absl::OkStatus();
}

absl::StatusOr<std::vector<judge::FollowedZoneSettings>> FollowedZoneSettingsOf(
    const std::vector<FollowedZoneConfig>& zones) {
  std::vector<judge::FollowedZoneSettings> out;
  for (const FollowedZoneConfig& z : zones) {
    judge::FollowedZoneSettings s;
    s.zone = z.zone;
    s.primaries = z.primaries;
    if (!z.tsig_key_name.empty()) {
      CAAWATCH_ASSIGN_OR_RETURN(
          std::string secret,
          ReadBoundedFile(z.tsig_secret_file, 1024, absl::StrCat("TSIG secret of zone ", z.zone)));
      secret = std::string(absl::StripAsciiWhitespace(secret));
      std::string decoded;
      if (secret.empty() || !absl::Base64Unescape(secret, &decoded)) {
        // Never quote the secret itself.
        return absl::InvalidArgumentError(absl::StrCat("zone ", z.zone, ": tsig_secret_file ",
                                                       QuoteInput(z.tsig_secret_file),
                                                       " does not hold one base64 secret"));
      }
      s.tsig = caa::TsigKey{z.tsig_key_name, z.tsig_algorithm, secret};
    }
    if (!z.ds_file.empty()) {
      CAAWATCH_ASSIGN_OR_RETURN(
          const std::string text,
          ReadBoundedFile(z.ds_file, 64 * 1024, absl::StrCat("DS file of zone ", z.zone)));
      absl::StatusOr<std::vector<caa::DsRecord>> ds = caa::ParseDsRecords(text, z.zone);
      if (!ds.ok()) return Annotate(ds.status(), absl::StrCat("zone ", z.zone, ": ds_file"));
      if (ds->empty()) {
        return absl::InvalidArgumentError(absl::StrCat("zone ", z.zone, ": ds_file ",
                                                       QuoteInput(z.ds_file),
                                                       " holds no DS record for the zone"));
      }
      s.ds = std::move(*ds);
    }
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace caawatch::monitor
