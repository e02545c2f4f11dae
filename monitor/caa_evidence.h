// The CAA part of an evidence bundle (SPEC §8), gathered from the store: for every name the
// finding was judged on, the observations of its window from the CAA history, each with the
// DNS answer as the resolver received it (evidence/caa_files.h).
#ifndef CAAWATCH_MONITOR_CAA_EVIDENCE_H_
#define CAAWATCH_MONITOR_CAA_EVIDENCE_H_

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::monitor {

// Writes caa.json and a caa-*.dns file per observation that kept its answer into the existing
// directory `out_dir`; returns the number of observations. kInternal when a file cannot be
// written; the store's errors.
[[nodiscard]] absl::StatusOr<uint64_t> WriteCaaEvidence(store::Store* store,
                                                        const store::FindingRecord& finding,
                                                        const std::string& out_dir);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_CAA_EVIDENCE_H_
