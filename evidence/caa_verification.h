// Offline check of a bundle's CAA evidence (SPEC §8, evidence/caa_files.h): caa.json, and each
// DNS answer file against the observation that names it. The DNSSEC status is the validating
// resolver's: an answer carries the RRSIGs of its RRset but never the DNSKEY/DS chain up to the
// root, so it is reported, not re-verified.
#ifndef CAAWATCH_EVIDENCE_CAA_VERIFICATION_H_
#define CAAWATCH_EVIDENCE_CAA_VERIFICATION_H_

#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace caawatch::evidence {

struct CaaVerification {
  std::vector<std::string> verified_files;  // caa.json and the answers checked.
  std::vector<std::string> notes;           // What a reader must know about what was checked.
};

// Checks the CAA files among `files` (the bundle's file names) in `dir`: none is fine (an older
// bundle); otherwise caa.json parses (ParseCaaIndexJson), every answer it names is there and
// is the answer it describes (CheckDnsAnswer), and no caa-*.dns is left unnamed. kDataLoss
// naming the file that failed and why.
[[nodiscard]] absl::StatusOr<CaaVerification> VerifyCaaEvidence(const std::string& dir,
                                                                const std::set<std::string>& files);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_CAA_VERIFICATION_H_
