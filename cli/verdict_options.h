// --verdict and --severity as the query commands take them: repeatable, each a name or a
// comma-separated list of names (SPEC §2 spelling), checked while parsing so that a wrong one
// is a usage error (exit 2) that lists the valid names.
#ifndef CAAWATCH_CLI_VERDICT_OPTIONS_H_
#define CAAWATCH_CLI_VERDICT_OPTIONS_H_

#include <string>
#include <vector>

#include "CLI/App.hpp"

namespace caawatch::cli {

// Adds --verdict VERDICT and --severity SEVERITY (repeatable) with their checks.
void AddVerdictOption(CLI::App* app, std::vector<std::string>* verdicts);
void AddSeverityOption(CLI::App* app, std::vector<std::string>* severities);

// The names given, split at commas, each once, in the order given (the options' checks passed).
std::vector<std::string> SplitNames(const std::vector<std::string>& values);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_VERDICT_OPTIONS_H_
