// RFC 6962 §3.4 MerkleTreeLeaf and §4.6 get-entries extra_data, decoded into a LogEntry with the
// certificate's identities and its issuer.
#ifndef CAAWATCH_CTLOG_LEAF_H_
#define CAAWATCH_CTLOG_LEAF_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ctlog/certificate_names.h"
#include "ctlog/log_entry.h"
#include "ctlog/log_types.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

// A parsed MerkleTreeLeaf. The spans point into the leaf_input it was parsed from.
struct MerkleTreeLeaf {
  uint64_t timestamp_ms = 0;
  EntryType type = EntryType::kX509;
  Sha256Hash issuer_key_hash{};          // precert_entry only: SHA-256 of the issuer's SPKI.
  absl::Span<const uint8_t> body;        // x509: the certificate; precert: the TBSCertificate.
  absl::Span<const uint8_t> extensions;  // CtExtensions (empty in practice).
};

// RFC 6962 §3.4: version v1 (0), leaf_type timestamped_entry (0), then the TimestampedEntry;
// nothing may follow. kDataLoss on any deviation (unknown version, leaf or entry type, an
// empty or overrunning vector, trailing bytes).
absl::StatusOr<MerkleTreeLeaf> ParseMerkleTreeLeaf(absl::Span<const uint8_t> leaf_input);

// SHA-256(0x00 || leaf_input): the Merkle leaf hash (RFC 6962 §2.1).
Sha256Hash MerkleLeafHash(absl::Span<const uint8_t> leaf_input);

// The names to match (ReadMatchNames) of the certificate or TBSCertificate in `leaf_input`, the
// part the Merkle tree authenticates, with nothing else decoded: the same names DecodeLogEntry
// gives, as views into `leaf_input`. kDataLoss when leaf_input is malformed, as DecodeLogEntry.
absl::StatusOr<CertificateNames> ReadLeafMatchNames(absl::Span<const uint8_t> leaf_input);

// Decodes one get-entries element at log position `index`.
//  - kDataLoss only when leaf_input itself is malformed (the log served bad bytes).
//  - extra_data: x509_entry -> certificate_chain; precert_entry -> PrecertChainEntry.
//  - Identities come only from leaf_input, the part the Merkle tree authenticates: x509_entry
//    from the logged certificate; precert_entry from the logged TBSCertificate (its issuer and
//    AKI are those of the final certificate even when a Precertificate Signing Certificate
//    signed the precertificate, and its tbs_sha256 equals the final certificate's), with
//    is_precertificate set. The pre_certificate from extra_data is kept in certificate_der,
//    gives identity.sha256 (zero without it) and is checked against the logged TBS (names,
//    serial, subject, notAfter); a mismatch is a decode_error.
//  - chain: every chain certificate that parses; issuer: chain[0], or chain[1] when chain[0]
//    is a Precertificate Signing Certificate.
// Any damage below the leaf (bad certificate, bad extra_data, an issuer whose key does not
// match issuer_key_hash) is reported in decode_error with the readable parts still filled.
absl::StatusOr<LogEntry> DecodeLogEntry(uint64_t index, const RawEntry& raw);

// The DER certificates of an entry's chain in `extra_data` (x509_entry: certificate_chain;
// precert_entry: precertificate_chain), issuer first, as views into `extra_data`. kDataLoss
// when extra_data is malformed.
absl::StatusOr<std::vector<absl::Span<const uint8_t>>> ExtraDataChain(
    EntryType type, absl::Span<const uint8_t> extra_data);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LEAF_H_
