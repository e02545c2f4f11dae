#include "cli/verdict_options.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/quoted_input.h"
#include "cli/options.h"
#include "monitor/verdict_names.h"

namespace caawatch::cli {
namespace {

std::vector<std::string> AllVerdictNames() {
  std::vector<std::string> names;
  for (const monitor::Verdict v : monitor::kAllVerdicts) names.push_back(monitor::VerdictName(v));
  return names;
}

std::vector<std::string> AllSeverityNames() {
  std::vector<std::string> names;
  for (const monitor::Severity s : monitor::kAllSeverities) {
    names.push_back(monitor::SeverityName(s));
  }
  return names;
}

// Each comma-separated part of the value is one of `valid`.
CLI::Validator OneOf(const std::string& what, std::vector<std::string> valid) {
  return CLI::Validator(
      [what, valid](std::string& value) -> std::string {
        for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipEmpty())) {
          if (std::find(valid.begin(), valid.end(), part) == valid.end()) {
            return absl::StrCat("unknown ", what, " ", QuoteInput(part), " (one of ",
                                absl::StrJoin(valid, ", "), ")");
          }
        }
        return "";
      },
      "", what);
}

}  // namespace

void AddVerdictOption(CLI::App* app, std::vector<std::string>* verdicts) {
  AddRepeatable(app, "--verdict", verdicts, "VERDICT",
                "only these verdicts (e.g. forbidden; a comma-separated list too)")
      ->check(OneOf("verdict", AllVerdictNames()));
}

void AddSeverityOption(CLI::App* app, std::vector<std::string>* severities) {
  AddRepeatable(app, "--severity", severities, "SEVERITY",
                "only these severities: critical, warning, info (a comma-separated list too)")
      ->check(OneOf("severity", AllSeverityNames()));
}

std::vector<std::string> SplitNames(const std::vector<std::string>& values) {
  std::vector<std::string> out;
  for (const std::string& value : values) {
    for (absl::string_view part : absl::StrSplit(value, ',', absl::SkipEmpty())) {
      if (std::find(out.begin(), out.end(), part) == out.end()) out.emplace_back(part);
    }
  }
  return out;
}

}  // namespace caawatch::cli
