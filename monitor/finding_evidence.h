// What `caawatch evidence SEQ|SHA256` writes (SPEC §8): finding.json, the certificate and
// precertificate with the chain as logged, and per RFC 6962 entry the entry and its audit
// path, fetched from the log, in the signed head stored when the finding was judged
// (store/SCHEMA.md "Inclusion" and "Tree heads"), with the keys of those logs from the log
// list. Nothing is written that does not verify.
#ifndef CAAWATCH_MONITOR_FINDING_EVIDENCE_H_
#define CAAWATCH_MONITOR_FINDING_EVIDENCE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "monitor/config.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::monitor {

struct FindingEvidenceWritten {
  uint64_t entries = 0;            // Entries written with their proof and head.
  std::vector<std::string> notes;  // An entry left out, and why (one line each).
};

// Writes `finding_json` (the finding as SPEC §4 shows it) as finding.json, the certificates
// and the log evidence of `finding` into the existing directory `out_dir`, the logs and
// their keys from `config.log_list` (log_ca_file for https), the heads from `store`. An entry
// whose log is not in the list, of a static-ct-api log (proofs from tiles: not yet), or kept
// without its inclusion record (an older store) is left out with a note. kUnavailable when a
// log cannot be reached, kDataLoss when what it serves does not verify (the entry's leaf is
// not the one judged, the proof does not lead to the stored head).
[[nodiscard]] absl::StatusOr<FindingEvidenceWritten> WriteFindingEvidence(
    const MonitorConfig& config, store::Store* store, const store::FindingRecord& finding,
    const std::string& finding_json, const std::string& out_dir);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_FINDING_EVIDENCE_H_
