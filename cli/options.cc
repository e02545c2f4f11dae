#include "cli/options.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/hex.h"
#include "base/quoted_input.h"

namespace caawatch::cli {
namespace {

// Digits only: absl::SimpleAtoi alone would also take "+5", " 5" and, for a signed type, "-1".
std::optional<uint64_t> DecimalInteger(const std::string& value) {
  uint64_t n = 0;
  if (value.empty() || !std::all_of(value.begin(), value.end(), absl::ascii_isdigit) ||
      !absl::SimpleAtoi(value, &n)) {
    return std::nullopt;
  }
  return n;
}

// A duration "ago" longer than this is a typo (and would overflow nothing, but means nothing).
constexpr uint64_t kMaxDaysAgo = 100 * 366;

// "30m", "1h", "7d": a positive duration before now (absl's units, and d for days).
std::optional<absl::Duration> Ago(const std::string& value) {
  absl::Duration d;
  if (value.size() > 1 && value.back() == 'd') {
    const std::optional<uint64_t> days = DecimalInteger(value.substr(0, value.size() - 1));
    if (!days || *days == 0 || *days > kMaxDaysAgo) return std::nullopt;
    return absl::Hours(24) * static_cast<int64_t>(*days);
  }
  if (!absl::ParseDuration(value, &d) || d <= absl::ZeroDuration() ||
      d > absl::Hours(24) * kMaxDaysAgo || !absl::ascii_isdigit(value[0])) {
    return std::nullopt;
  }
  return d;
}

}  // namespace

void AddConfigOption(CLI::App* app, CommonOptions* options) {
  app->add_option("--config", options->config, "JSON configuration file (every key has a default)")
      ->type_name("FILE");
}

void AddConfigAndDataDirOptions(CLI::App* app, CommonOptions* options) {
  AddConfigOption(app, options);
  app->add_option("--data-dir", options->data_dir,
                  "store directory (default: $XDG_DATA_HOME/caawatch)")
      ->type_name("DIR");
}

void AddCommonOptions(CLI::App* app, CommonOptions* options) {
  AddConfigAndDataDirOptions(app, options);
  app->add_flag("--json", options->json, "print JSON lines instead of a table");
}

void AddDnsOptions(CLI::App* app, DnsOptions* options) {
  AddRepeatable(app, "--dns-server", &options->servers, "HOST:PORT",
                "resolver to forward to (default: the system resolver)");
  app->add_option("--dnssec", options->dnssec, "validate DNSSEC (default on, root trust anchor)")
      ->type_name("on|off")
      ->check(CLI::IsMember({"on", "off"}).description(""));
  app->add_option("--trust-anchor", options->trust_anchor, "DS/DNSKEY records in zone-file format")
      ->type_name("FILE");
}

void ApplyDnsOptions(const DnsOptions& options, monitor::MonitorConfig* config) {
  if (!options.servers.empty()) config->dns_servers = options.servers;
  if (options.dnssec) config->dnssec = *options.dnssec == "on";
  if (options.trust_anchor) config->trust_anchor_file = *options.trust_anchor;
}

CLI::Option* AddRepeatable(CLI::App* app, const std::string& name, std::vector<std::string>* values,
                           const std::string& value_name, const std::string& help) {
  return app->add_option(name, *values, help + " (repeatable)")
      ->type_name(value_name)
      ->allow_extra_args(false);
}

CLI::Validator NonNegativeInteger() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        return DecimalInteger(value) ? "" : "not a non-negative integer: " + QuoteInput(value);
      },
      "", "non-negative integer");
}

CLI::Validator PositiveInteger() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        const std::optional<uint64_t> n = DecimalInteger(value);
        return n && *n > 0 ? "" : "not a positive integer: " + QuoteInput(value);
      },
      "", "positive integer");
}

CLI::Validator Rfc3339Time() {
  return CLI::Validator(
      [](std::string& value) -> std::string {
        if (Ago(value)) return "";
        const absl::StatusOr<absl::Time> t = ParseRfc3339(value);
        if (t.ok()) return "";
        return absl::StrCat("not an RFC 3339 time, a date or a duration ago (30m, 1h, 7d): ",
                            QuoteInput(value));
      },
      "", "RFC 3339 time, date or duration ago");
}

std::optional<absl::Time> TimeOption(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  if (const std::optional<absl::Duration> ago = Ago(*value)) return absl::Now() - *ago;
  absl::StatusOr<absl::Time> t = ParseRfc3339(*value);
  // Rfc3339Time() refused anything that does not parse.
  return t.ok() ? std::optional<absl::Time>(*t) : std::nullopt;
}

}  // namespace caawatch::cli
