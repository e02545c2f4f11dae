// The subcommands of `caawatch`: each takes the arguments after its name and returns the exit
// code. Errors go to stderr as one line; --help prints usage and exits 0.
#ifndef CAAWATCH_CLI_COMMANDS_H_
#define CAAWATCH_CLI_COMMANDS_H_

#include <string>
#include <vector>

namespace caawatch::cli {

using Args = std::vector<std::string>;

int RunCommand(const Args& args);
int FindingsCommand(const Args& args);
int HistoryCommand(const Args& args);
int CertCommand(const Args& args);
int InspectCommand(const Args& args);
int CaaCommand(const Args& args);
int WatchCommand(const Args& args);
int StatusCommand(const Args& args);
int SubscribeCommand(const Args& args);
int IssuersCommand(const Args& args);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_COMMANDS_H_
