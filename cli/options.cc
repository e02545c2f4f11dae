#include "cli/options.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
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

}  // namespace

void AddCommonOptions(CLI::App* app, CommonOptions* options) {
  app->add_option("--config", options->config, "JSON configuration file (every key has a default)")
      ->type_name("FILE");
  app->add_option("--data-dir", options->data_dir,
                  "store directory (default: $XDG_DATA_HOME/caawatch)")
      ->type_name("DIR");
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
        const absl::StatusOr<absl::Time> t = ParseRfc3339(value);
        return t.ok() ? "" : std::string(t.status().message());  // It quotes the value.
      },
      "", "RFC 3339 time or date");
}

std::optional<absl::Time> TimeOption(const std::optional<std::string>& value) {
  if (!value) return std::nullopt;
  absl::StatusOr<absl::Time> t = ParseRfc3339(*value);
  // Rfc3339Time() refused anything that does not parse.
  return t.ok() ? std::optional<absl::Time>(*t) : std::nullopt;
}

}  // namespace caawatch::cli
