#include "cli/version.h"

#include "absl/strings/str_cat.h"
#include "base/build_info.h"

namespace caawatch::cli {

std::string VersionLine() {
  return absl::StrCat("caawatch ", BuildVersion(), " (revision ", BuildRevision(), ")");
}

}  // namespace caawatch::cli
