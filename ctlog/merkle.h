// RFC 6962 §2.1 Merkle trees: leaf and node hashes, the collapsed right edge of a growing tree,
// and inclusion and consistency proof verification (RFC 9162 §2.1.3.2, §2.1.4.2).
#ifndef CAAWATCH_CTLOG_MERKLE_H_
#define CAAWATCH_CTLOG_MERKLE_H_

#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

Sha256Hash HashLeaf(absl::Span<const uint8_t> leaf);                       // SHA-256(0x00 || leaf)
Sha256Hash HashChildren(const Sha256Hash& left, const Sha256Hash& right);  // SHA-256(0x01||l||r)
Sha256Hash EmptyRoot();                                                    // SHA-256("")

// Right edge of an append-only Merkle tree: O(log n) state, enough to compute the root after
// every append (certspotter's collapsed tree). Invariant: nodes().size() == popcount(size()).
class CollapsedTree {
 public:
  CollapsedTree() = default;
  // Rebuilds a saved edge; kDataLoss when the node count does not fit the size.
  static absl::StatusOr<CollapsedTree> FromNodes(uint64_t size, std::vector<Sha256Hash> nodes);
  void Append(const Sha256Hash& leaf_hash);
  Sha256Hash Root() const;  // EmptyRoot() when size() == 0.
  uint64_t size() const { return size_; }
  const std::vector<Sha256Hash>& nodes() const { return nodes_; }

 private:
  uint64_t size_ = 0;
  std::vector<Sha256Hash> nodes_;  // Complete subtrees, largest (leftmost) first.
};

// OK when `proof` proves the leaf at `index` in the tree of `size` with `root`; kDataLoss
// otherwise (including index >= size or a proof of the wrong length).
absl::Status VerifyInclusion(const Sha256Hash& leaf_hash, uint64_t index, uint64_t size,
                             absl::Span<const Sha256Hash> proof, const Sha256Hash& root);

// OK when `proof` shows the tree of size1/root1 is a prefix of the tree of size2/root2;
// kDataLoss otherwise. size1 == size2 requires an empty proof and equal roots; nothing is
// consistent with the empty tree by proof (size1 == 0), and size1 > size2 is an error.
absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, const Sha256Hash& root1,
                               const Sha256Hash& root2, absl::Span<const Sha256Hash> proof);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_MERKLE_H_
