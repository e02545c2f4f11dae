// The data directory of a writing command: created private to the user (0700, parents too),
// and an existing one that other users can read or write is made private, saying so.
#ifndef CAAWATCH_CLI_DATA_DIR_H_
#define CAAWATCH_CLI_DATA_DIR_H_

#include <string>

namespace caawatch::cli {

// Creates `dir` and its missing parents with mode 0700. If `dir` exists with any group or
// other permission bit, removes them when the user owns it. Returns what the operator should
// hear: "" when nothing was changed or needs saying, else one sentence (what was tightened, or
// that the directory stays open to others and why). Creation failures are left to the store's
// open, which says what they are.
std::string PrepareDataDir(const std::string& dir);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_DATA_DIR_H_
