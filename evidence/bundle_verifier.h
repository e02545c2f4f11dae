// Offline verification of an evidence bundle's log evidence (SPEC §8, `caawatch evidence
// verify`): every head's signature under the log's key, every entry's inclusion proof, and
// every key against the log list the verifier trusts — never against the bundle's word alone.
#ifndef CAAWATCH_EVIDENCE_BUNDLE_VERIFIER_H_
#define CAAWATCH_EVIDENCE_BUNDLE_VERIFIER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/sha256.h"

namespace caawatch::evidence {

// A log as the log list the verifier holds gives it.
struct TrustedLog {
  std::vector<uint8_t> key_der;  // SubjectPublicKeyInfo.
  std::string description;
};
// By log ID (the 32 bytes as a string).
using TrustedLogKeys = absl::flat_hash_map<std::string, TrustedLog>;

struct BundleVerification {
  std::vector<std::string> verified_files;   // Sorted: every file whose content was checked.
  std::vector<std::string> unchecked_files;  // Sorted: files of kinds this does not check yet.
  // Sorted: report.txt, report.html: prose written from the files above, not evidence.
  std::vector<std::string> report_files;
  uint64_t entries = 0;            // Log entries proven in a signed head.
  std::vector<std::string> notes;  // What a reader must know of what was checked.
};

// Checks the bundle in `dir`: log-keys.json (each key hashes to its log ID and is the key,
// with the description, that `trusted` holds for it), and for every proof-*.json its entry-*.json
// and head-*.json (the head is signed by the log, the entry's leaf hashes along the audit path to
// the head's root, the files say the same log, index and leaf hash). An entry or head file no proof
// uses, or a bundle with no proof, is an error. With finding.json: every proven entry is one
// of its entries, with the leaf and head it records, each leaf holds the certificate (or
// precertificate) whose TBS hash it names, and certificate.pem and
// precertificate.pem (if there) start with the certificates whose SHA-256 it names. With
// caa.json: every DNS answer file it names matches its observation (VerifyCaaEvidence). kDataLoss
// naming the file that failed and why; kInvalidArgument when the directory cannot be read.
[[nodiscard]] absl::StatusOr<BundleVerification> VerifyBundle(absl::string_view dir,
                                                              const TrustedLogKeys& trusted);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_BUNDLE_VERIFIER_H_
