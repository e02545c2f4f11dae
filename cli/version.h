// What `caawatch --version` prints: the release and the commit the program was built from, so
// that a report from an installed package names the exact source.
#ifndef CAAWATCH_CLI_VERSION_H_
#define CAAWATCH_CLI_VERSION_H_

#include <string>

namespace caawatch::cli {

// "caawatch 0.1.0 (revision 580ac2a1b2c3)"; the revision ends in "-dirty" for a build from a
// tree with uncommitted changes, and is "unknown" for a build outside a git checkout.
std::string VersionLine();

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_VERSION_H_
