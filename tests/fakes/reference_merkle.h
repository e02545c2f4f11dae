// RFC 6962 §2.1 Merkle Tree Hash and consistency proofs, written as the RFC's recursions
// (naive, O(n) per call): the test log's tree, and a reference for the monitor's verifier.
#ifndef CAAWATCH_TESTS_FAKES_REFERENCE_MERKLE_H_
#define CAAWATCH_TESTS_FAKES_REFERENCE_MERKLE_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "ctlog/sha256.h"

namespace caawatch::fakes {

// SHA-256(0x00 || leaf_input).
ctlog::Sha256Hash ReferenceLeafHash(absl::Span<const uint8_t> leaf_input);
// SHA-256(0x01 || left || right).
ctlog::Sha256Hash ReferenceNodeHash(const ctlog::Sha256Hash& left, const ctlog::Sha256Hash& right);
// MTH(D[n]) over leaf hashes; SHA-256("") for no leaves.
ctlog::Sha256Hash ReferenceRoot(absl::Span<const ctlog::Sha256Hash> leaf_hashes);
// PROOF(m, D[n]) (§2.1.2) for 0 < m <= n = leaf_hashes.size(); empty when m == n.
std::vector<ctlog::Sha256Hash> ReferenceConsistencyProof(
    uint64_t m, absl::Span<const ctlog::Sha256Hash> leaf_hashes);
// PATH(m, D[n]) (§2.1.1) for m < n.
std::vector<ctlog::Sha256Hash> ReferenceInclusionProof(
    uint64_t m, absl::Span<const ctlog::Sha256Hash> leaf_hashes);

}  // namespace caawatch::fakes

#endif  // CAAWATCH_TESTS_FAKES_REFERENCE_MERKLE_H_
