// A fresh directory under the system's temporary directory, made for one test and removed
// with everything in it when the object goes. The one temp-dir helper of the tests.
#ifndef CAAWATCH_TESTS_FAKES_TEMP_DIR_H_
#define CAAWATCH_TESTS_FAKES_TEMP_DIR_H_

#include <stdlib.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace caawatch {

class TempDir {
 public:
  // <tmp>/<tag>_XXXXXX, unique (mkdtemp), so tests running at once never share one. A test
  // failure when it cannot be made; path() is then empty.
  explicit TempDir(absl::string_view tag) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / absl::StrCat(tag, "_XXXXXX")).string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      ADD_FAILURE() << "cannot create a temporary directory " << pattern;
      return;
    }
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;  // Best effort: a leftover directory fails nothing.
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return path_; }
  std::string string() const { return path_.string(); }
  std::filesystem::path operator/(const std::filesystem::path& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

}  // namespace caawatch

#endif  // CAAWATCH_TESTS_FAKES_TEMP_DIR_H_
