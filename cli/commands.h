// The subcommands of `caawatch`. Each Add*Command declares its subcommand on the program's
// CLI11 app (options, positionals, generated help) and returns what runs it once parsing chose
// it: the options live in that closure. A run returns the exit code; errors go to stderr as one
// line.
#ifndef CAAWATCH_CLI_COMMANDS_H_
#define CAAWATCH_CLI_COMMANDS_H_

#include <functional>

#include "CLI/App.hpp"

namespace caawatch::cli {

struct Command {
  CLI::App* app = nullptr;  // The subcommand, owned by its parent app.
  std::function<int()> run;
};

Command AddRunCommand(CLI::App* app);
Command AddFindingsCommand(CLI::App* app);
Command AddHistoryCommand(CLI::App* app);
Command AddCertCommand(CLI::App* app);
Command AddInspectCommand(CLI::App* app);
Command AddCaaCommand(CLI::App* app);
// `caa suggest`, declared on the `caa` subcommand (cli/caa_suggest_command.cc).
Command AddCaaSuggestCommand(CLI::App* caa);
Command AddWatchCommand(CLI::App* app);
Command AddStatusCommand(CLI::App* app);
Command AddHeadsCommand(CLI::App* app);
Command AddSubscribeCommand(CLI::App* app);
Command AddIssuersCommand(CLI::App* app);
Command AddNotifyCommand(CLI::App* app);
Command AddZonesCommand(CLI::App* app);
Command AddEvidenceCommand(CLI::App* app);
// `store stats|compact` (cli/store_command.cc).
Command AddStoreCommand(CLI::App* app);
// Hidden: writes the manual and the shell completion from `app` (cli/docs_command.cc).
Command AddDocsCommand(CLI::App* app);

// For a command with subcommands of its own (caa check|history, ...): runs the one parsed.
std::function<int()> RunParsed(std::vector<Command> commands);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_COMMANDS_H_
