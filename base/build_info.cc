#include "base/build_info.h"

// Generated at every build by cmake/git_revision.cmake; only this file includes it, in a library
// of its own, so that a new commit recompiles one file.
#include "git_revision.h"

namespace caawatch {

const char* BuildVersion() { return CAAWATCH_VERSION; }

const char* BuildRevision() { return CAAWATCH_GIT_REVISION; }

}  // namespace caawatch
