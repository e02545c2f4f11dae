// The option groups that several subcommands share, declared with CLI11: where the
// configuration and the store are, JSON output, the DNS resolver; and the value checks every
// command uses (a non-negative integer, on|off), so that a bad value is a usage error (exit 2)
// raised while parsing, before the command starts.
#ifndef CAAWATCH_CLI_OPTIONS_H_
#define CAAWATCH_CLI_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "CLI/App.hpp"
#include "CLI/Validators.hpp"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "monitor/config.h"

namespace caawatch::cli {

// --config FILE, --data-dir DIR, --json.
struct CommonOptions {
  std::optional<std::string> config;
  std::optional<std::string> data_dir;
  bool json = false;
};
void AddCommonOptions(CLI::App* app, CommonOptions* options);
// Parts of it, for a command that has no use for the others (every accepted flag does
// something): --config FILE; --config and --data-dir DIR.
void AddConfigOption(CLI::App* app, CommonOptions* options);
void AddConfigAndDataDirOptions(CLI::App* app, CommonOptions* options);

// --dns-server HOST:PORT (repeatable), --dnssec on|off, --trust-anchor FILE.
struct DnsOptions {
  std::vector<std::string> servers;
  std::optional<std::string> dnssec;
  std::optional<std::string> trust_anchor;
};
void AddDnsOptions(CLI::App* app, DnsOptions* options);
// The DNS options given, over `config` (flags override the configuration file).
void ApplyDnsOptions(const DnsOptions& options, monitor::MonitorConfig* config);

// An option that may be given more than once, one value each time (`--watch a --watch b`);
// CLI11's default for a vector would take every following word as a value.
CLI::Option* AddRepeatable(CLI::App* app, const std::string& name, std::vector<std::string>* values,
                           const std::string& value_name, const std::string& help);

// Checks for CLI11 options: a non-negative decimal integer (no sign, no exponent), a positive
// one, and an RFC 3339 time or a date (base/hex.h ParseRfc3339) or a positive duration before
// now ("30m", "1h", "7d": absl's units and d for days, as `findings --since 1h`).
CLI::Validator NonNegativeInteger();
CLI::Validator PositiveInteger();
CLI::Validator Rfc3339Time();

// The value of an option checked by Rfc3339Time(), if given (a duration: that long before now).
std::optional<absl::Time> TimeOption(const std::optional<std::string>& value);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_OPTIONS_H_
