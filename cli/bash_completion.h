// The bash completion of `caawatch`, written from the program's own CLI11 definition (as the
// manual is), so that it offers exactly the commands and flags the program takes.
#ifndef CAAWATCH_CLI_BASH_COMPLETION_H_
#define CAAWATCH_CLI_BASH_COMPLETION_H_

#include <string>

#include "CLI/App.hpp"

namespace caawatch::cli {

// A bash script that registers `complete -F _caawatch caawatch`: after `caawatch` and each
// command it offers the subcommands, after `-` the flags of the command typed so far, after a
// flag that takes a file, directory or path the file names, after one with fixed values
// ("on|off") those values. Needs bash 4 (associative arrays), not the bash-completion package.
std::string BashCompletion(const CLI::App& root);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_BASH_COMPLETION_H_
