#include "cli/version.h"

#include "absl/strings/str_cat.h"
// Generated at every build by cmake/git_revision.cmake (only this file includes it, so a new
// commit recompiles only this file).
#include "git_revision.h"

namespace caawatch::cli {

std::string VersionLine() {
  return absl::StrCat("caawatch ", CAAWATCH_VERSION, " (revision ", CAAWATCH_GIT_REVISION, ")");
}

}  // namespace caawatch::cli
