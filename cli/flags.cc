#include "cli/flags.h"

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/hex.h"

namespace caawatch::cli {

std::string ParsedFlags::Get(const std::string& name, const std::string& fallback) const {
  auto it = values_.find(name);
  if (it == values_.end() || it->second.empty()) return fallback;
  return it->second.back();
}

std::vector<std::string> ParsedFlags::GetAll(const std::string& name) const {
  auto it = values_.find(name);
  return it == values_.end() ? std::vector<std::string>{} : it->second;
}

absl::StatusOr<std::optional<uint64_t>> ParsedFlags::GetUint(const std::string& name) const {
  if (!Has(name)) return std::optional<uint64_t>();
  uint64_t value = 0;
  if (!absl::SimpleAtoi(Get(name), &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("--", name, ": not a non-negative integer: '", Get(name), "'"));
  }
  return std::optional<uint64_t>(value);
}

absl::StatusOr<std::optional<absl::Time>> ParsedFlags::GetTime(const std::string& name) const {
  if (!Has(name)) return std::optional<absl::Time>();
  absl::StatusOr<absl::Time> t = ParseRfc3339(Get(name));
  if (!t.ok()) return absl::InvalidArgumentError(absl::StrCat("--", name, ": ", t.status().message()));
  return std::optional<absl::Time>(*t);
}

FlagParser::FlagParser(std::string command, std::string synopsis, std::string description,
                       std::vector<FlagSpec> specs)
    : command_(std::move(command)),
      synopsis_(std::move(synopsis)),
      description_(std::move(description)),
      specs_(std::move(specs)) {}

const FlagSpec* FlagParser::Find(const std::string& name) const {
  for (const FlagSpec& spec : specs_) {
    if (spec.name == name) return &spec;
  }
  return nullptr;
}

absl::StatusOr<ParsedFlags> FlagParser::Parse(const std::vector<std::string>& args) const {
  ParsedFlags parsed;
  bool only_positional = false;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_positional || arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      parsed.positional_.push_back(arg);
      continue;
    }
    if (arg == "--") {
      only_positional = true;
      continue;
    }
    if (arg == "--help") return absl::CancelledError("help");
    std::string name = arg.substr(2);
    std::optional<std::string> inline_value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      inline_value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    const FlagSpec* spec = Find(name);
    if (spec == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("unknown flag --", name, " (see caawatch ", command_, " --help)"));
    }
    if (spec->value_name.empty()) {
      if (inline_value) return absl::InvalidArgumentError(absl::StrCat("--", name, " takes no value"));
      parsed.values_[name].push_back("true");
      continue;
    }
    std::string value;
    if (inline_value) {
      value = *inline_value;
    } else if (i + 1 < args.size()) {
      value = args[++i];
    } else {
      return absl::InvalidArgumentError(
          absl::StrCat("--", name, " needs a value (", spec->value_name, ")"));
    }
    if (!spec->repeatable && parsed.Has(name)) {
      return absl::InvalidArgumentError(absl::StrCat("--", name, " given twice"));
    }
    parsed.values_[name].push_back(std::move(value));
  }
  return parsed;
}

std::string FlagParser::Usage() const {
  std::string out = absl::StrCat("usage: caawatch ", command_, " ", synopsis_, "\n\n",
                                 description_, "\n\nflags:\n");
  for (const FlagSpec& spec : specs_) {
    std::string left = absl::StrCat("  --", spec.name);
    if (!spec.value_name.empty()) absl::StrAppend(&left, " ", spec.value_name);
    if (spec.repeatable) absl::StrAppend(&left, " (repeatable)");
    absl::StrAppend(&out, absl::StrFormat("%-34s %s\n", left, spec.help));
  }
  absl::StrAppend(&out, "  --help                             this text\n");
  return out;
}

std::vector<FlagSpec> CommonFlags() {
  return {
      {"config", "FILE", "JSON configuration file (every key has a default)"},
      {"data-dir", "DIR", "store directory (default: $XDG_DATA_HOME/caawatch)"},
      {"json", "", "print JSON lines instead of a table"},
  };
}

std::vector<FlagSpec> DnsFlags() {
  return {
      {"dns-server", "HOST:PORT", "resolver to forward to (default: the system resolver)", true},
      {"dnssec", "on|off", "validate DNSSEC (default on, root trust anchor)"},
      {"trust-anchor", "FILE", "DS/DNSKEY records in zone-file format"},
  };
}

}  // namespace caawatch::cli
