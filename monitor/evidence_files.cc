#include "monitor/evidence_files.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/status_macros.h"
#include "evidence/bundle_files.h"
#include "monitor/finding_evidence.h"
#include "monitor/finding_report.h"

namespace caawatch::monitor {
namespace {

// Removes the directory it names when it goes, whatever happened in between.
class TemporaryDirectory {
 public:
  static absl::StatusOr<TemporaryDirectory> Make() {
    std::error_code error;
    std::string pattern =
        (std::filesystem::temp_directory_path(error) / "caawatch-evidence-XXXXXX").string();
    if (error || mkdtemp(pattern.data()) == nullptr) {  // Mode 0700.
      return absl::InternalError("cannot make a temporary directory for the evidence bundle");
    }
    return TemporaryDirectory(pattern);
  }
  TemporaryDirectory(TemporaryDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(TemporaryDirectory&&) = delete;
  ~TemporaryDirectory() {
    std::error_code ignored;
    if (!path_.empty()) std::filesystem::remove_all(path_, ignored);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TemporaryDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace

absl::StatusOr<std::vector<std::pair<std::string, std::string>>> EvidenceBundleFiles(
    const MonitorConfig& config, store::Store* store, const store::FindingRecord& finding,
    const std::string& finding_json, absl::Time now) {
  CAAWATCH_ASSIGN_OR_RETURN(const TemporaryDirectory dir, TemporaryDirectory::Make());
  CAAWATCH_RETURN_IF_ERROR(
      WriteFindingEvidence(config, store, finding, finding_json, dir.path()).status());
  // The reports last: they list the bundle's other files.
  if (HasCaReport(finding)) {
    CAAWATCH_RETURN_IF_ERROR(WriteFindingReports(config, store, finding, dir.path(), now).status());
  }
  std::vector<std::pair<std::string, std::string>> files;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir.path(), error)) {
    const std::string name = entry.path().filename().string();
    CAAWATCH_ASSIGN_OR_RETURN(
        std::string content,
        ReadBoundedFile(entry.path().string(), evidence::kMaxBundleFileBytes, name));
    files.emplace_back(name, std::move(content));
  }
  if (error) return absl::InternalError(absl::StrCat("cannot read the bundle: ", error.message()));
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace caawatch::monitor
