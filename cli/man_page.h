// caawatch(1), written from the program's own CLI11 definition: the same descriptions, flags,
// value names and footers that `--help` prints, so the manual cannot drift from the program.
#ifndef CAAWATCH_CLI_MAN_PAGE_H_
#define CAAWATCH_CLI_MAN_PAGE_H_

#include <string>

#include "CLI/App.hpp"
#include "absl/strings/string_view.h"

namespace caawatch::cli {

// The roff source of caawatch(1): every visible command and subcommand (depth first, in the
// order --help lists them) with its usage line, options, positionals and footer; then exit
// status, environment, files. `version` goes in the page footer. Hidden commands (no group)
// are left out.
std::string ManPage(const CLI::App& root, absl::string_view version);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_MAN_PAGE_H_
