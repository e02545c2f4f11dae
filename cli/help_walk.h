// The program's commands as --help shows them, read from the CLI11 definition once for every
// document written from it (the manual, the shell completion): each command's path, usage line,
// options with their value names, subcommands and footer, in --help's order.
#ifndef CAAWATCH_CLI_HELP_WALK_H_
#define CAAWATCH_CLI_HELP_WALK_H_

#include <string>
#include <utility>
#include <vector>

#include "CLI/App.hpp"

namespace caawatch::cli {

struct HelpOption {
  bool positional = false;
  std::string names;               // As --help prints it: "-h,--help"; a positional's "NAME".
  std::vector<std::string> flags;  // Every spelling: {"-h", "--help"}; none for a positional.
  std::string value;               // What follows it in --help: "NAME ...", "on|off"; or "".
  std::string description;
};

struct HelpCommand {
  std::string path;                // "caawatch caa check"
  std::vector<std::string> words;  // {"caa", "check"}: the path without the program.
  std::string description;
  std::string usage;                // "caawatch caa check [OPTIONS] NAME...": --help's usage line.
  std::vector<HelpOption> options;  // Positionals first, then the options, as --help lists them.
  std::vector<std::pair<std::string, std::string>> subcommands;  // Name, description.
  std::string footer;
};

// `root` and every visible subcommand below it, depth first, each after its parent. A
// subcommand without a group (a hidden one) and an option without a group are left out, as
// --help leaves them out.
std::vector<HelpCommand> WalkCommands(const CLI::App& root);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_HELP_WALK_H_
