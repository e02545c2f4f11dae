// A finding's evidence bundle as files in memory, for gRPC GetEvidence (SPEC §8): written as
// `caawatch evidence` writes it (monitor/finding_evidence.h, then the reports of
// monitor/finding_report.h dated `now`), into a private temporary directory that is removed
// again, and read back.
#ifndef CAAWATCH_MONITOR_EVIDENCE_FILES_H_
#define CAAWATCH_MONITOR_EVIDENCE_FILES_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "monitor/config.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::monitor {

// The bundle's files (name, content) sorted by name; each at most
// evidence::kMaxBundleFileBytes. The errors of WriteFindingEvidence; kInternal when the
// temporary directory cannot be made or read.
[[nodiscard]] absl::StatusOr<std::vector<std::pair<std::string, std::string>>> EvidenceBundleFiles(
    const MonitorConfig& config, store::Store* store, const store::FindingRecord& finding,
    const std::string& finding_json, absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_EVIDENCE_FILES_H_
