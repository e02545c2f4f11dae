// The release and the commit this program was built from, for `caawatch --version` and the
// caawatch_build_info series of /metrics: one source, so that the two never disagree.
#ifndef CAAWATCH_BASE_BUILD_INFO_H_
#define CAAWATCH_BASE_BUILD_INFO_H_


namespace caawatch {

// The project's version, e.g. "0.1.0".
const char* BuildVersion();
// The commit built (12 hex digits, "-dirty" for a tree with uncommitted changes), or "unknown"
// for a build outside a git checkout (a release tarball).
const char* BuildRevision();

}  // namespace caawatch

#endif  // CAAWATCH_BASE_BUILD_INFO_H_
