// Command-line flags for one subcommand: declared up front (name, value or switch, repeatable,
// help), parsed strictly (unknown flags and missing values are errors), printed by --help.
#ifndef CAAWATCH_CLI_FLAGS_H_
#define CAAWATCH_CLI_FLAGS_H_

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace caawatch::cli {

struct FlagSpec {
  std::string name;        // Without the leading "--".
  std::string value_name;  // Empty for a switch (no value), e.g. "FILE".
  std::string help;
  bool repeatable = false;
};

class ParsedFlags {
 public:
  bool Has(const std::string& name) const { return values_.count(name) > 0; }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;
  const std::vector<std::string>& positional() const { return positional_; }
  // Typed accessors; kInvalidArgument naming the flag on a bad value.
  absl::StatusOr<std::optional<uint64_t>> GetUint(const std::string& name) const;
  absl::StatusOr<std::optional<absl::Time>> GetTime(const std::string& name) const;

 private:
  friend class FlagParser;
  std::map<std::string, std::vector<std::string>> values_;
  std::vector<std::string> positional_;
};

class FlagParser {
 public:
  FlagParser(std::string command, std::string synopsis, std::string description,
             std::vector<FlagSpec> specs);
  // Parses args (after the subcommand name). "--help" yields kCancelled so the caller prints
  // Usage() and exits 0; other errors are kInvalidArgument with a one-line reason.
  absl::StatusOr<ParsedFlags> Parse(const std::vector<std::string>& args) const;
  std::string Usage() const;

 private:
  const FlagSpec* Find(const std::string& name) const;
  std::string command_, synopsis_, description_;
  std::vector<FlagSpec> specs_;
};

// Flags shared by every command that opens the store or reads config.
std::vector<FlagSpec> CommonFlags();
// Flags of every command that resolves DNS.
std::vector<FlagSpec> DnsFlags();

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_FLAGS_H_
