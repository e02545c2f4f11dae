// What `caawatch evidence SEQ|SHA256` writes (SPEC §8): finding.json, the certificate and
// precertificate with the chain as logged, and per log entry the entry and its audit path to
// the signed head it was proven in when the finding was judged (store/SCHEMA.md "Inclusion",
// "Tree heads", meta `proof/`), as stored then, else fetched from the log now; with the keys of
// those logs from the log list; and the CAA observations of the finding's windows with the DNS
// answers as received (monitor/caa_evidence.h). Nothing is written that does not verify.
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
  uint64_t fetched = 0;            // Of those, proof pending: fetched from the log now.
  uint64_t caa_observations = 0;   // In caa.json (monitor/caa_evidence.h).
  std::vector<std::string> notes;  // An entry left out, and why (one line each).
};

// Writes `finding_json` (the finding as SPEC §4 shows it) as finding.json, the certificates
// and the log evidence of `finding` into the existing directory `out_dir`, the logs and
// their keys from `config.log_list` (log_ca_file for https), the proofs and heads from `store`.
// An entry whose log is not in the list, kept without its inclusion record (an older store),
// or whose log served what does not verify when its proof was stored, is left out with a
// note. An entry without a stored proof is fetched from its log (RFC 6962 or tiles):
// kUnavailable when the log cannot be reached, kDataLoss when what it serves does not verify.
[[nodiscard]] absl::StatusOr<FindingEvidenceWritten> WriteFindingEvidence(
    const MonitorConfig& config, store::Store* store, const store::FindingRecord& finding,
    const std::string& finding_json, const std::string& out_dir);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_FINDING_EVIDENCE_H_
