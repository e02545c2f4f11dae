// The `caawatch` command line: every subcommand declared with CLI11, parsed strictly, then run.
// A usage mistake (unknown command or flag, a missing or repeated value, a stray argument, a
// value that does not parse) is one line on stderr naming it, with a hint where the help is,
// and exit status 2, before anything starts; -h/--help (at any level) and --version print to
// stdout and exit 0 without starting anything.
#ifndef CAAWATCH_CLI_COMMAND_LINE_H_
#define CAAWATCH_CLI_COMMAND_LINE_H_

namespace caawatch::cli {

// Parses argv and runs the chosen subcommand; returns the exit code.
int ParseAndRun(int argc, char** argv);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_COMMAND_LINE_H_
