#include "ctlog/merkle.h"

#include <openssl/sha.h>

#include <bit>

#include "absl/strings/str_cat.h"

namespace caawatch::ctlog {

Sha256Hash HashLeaf(absl::Span<const uint8_t> leaf) { return Sha256WithPrefix(0x00, leaf); }

Sha256Hash HashChildren(const Sha256Hash& left, const Sha256Hash& right) {
  uint8_t buffer[65];
  buffer[0] = 0x01;
  std::copy(left.begin(), left.end(), buffer + 1);
  std::copy(right.begin(), right.end(), buffer + 33);
  return Sha256(absl::MakeConstSpan(buffer, sizeof(buffer)));
}

Sha256Hash EmptyRoot() { return Sha256(absl::string_view()); }

absl::StatusOr<CollapsedTree> CollapsedTree::FromNodes(uint64_t size,
                                                       std::vector<Sha256Hash> nodes) {
  if (nodes.size() != static_cast<size_t>(std::popcount(size))) {
    return absl::DataLossError(absl::StrCat("collapsed tree of size ", size, " needs ",
                                            std::popcount(size), " nodes, not ", nodes.size()));
  }
  CollapsedTree tree;
  tree.size_ = size;
  tree.nodes_ = std::move(nodes);
  return tree;
}

void CollapsedTree::Append(const Sha256Hash& leaf_hash) {
  nodes_.push_back(leaf_hash);
  ++size_;
  for (uint64_t s = size_; (s & 1) == 0; s >>= 1) {  // One merge per trailing zero bit.
    const Sha256Hash right = nodes_.back();
    nodes_.pop_back();
    nodes_.back() = HashChildren(nodes_.back(), right);
  }
}

Sha256Hash CollapsedTree::Root() const {
  if (nodes_.empty()) return EmptyRoot();
  Sha256Hash hash = nodes_.back();
  for (size_t i = nodes_.size() - 1; i-- > 0;) hash = HashChildren(nodes_[i], hash);
  return hash;
}

absl::Status VerifyInclusion(const Sha256Hash& leaf_hash, uint64_t index, uint64_t size,
                             absl::Span<const Sha256Hash> proof, const Sha256Hash& root) {
  if (index >= size) {
    return absl::DataLossError(absl::StrCat("inclusion: index ", index, " >= size ", size));
  }
  // RFC 9162 §2.1.3.2.
  uint64_t fn = index, sn = size - 1;
  Sha256Hash r = leaf_hash;
  for (const Sha256Hash& p : proof) {
    if (sn == 0) return absl::DataLossError("inclusion: proof too long");
    if ((fn & 1) == 1 || fn == sn) {
      r = HashChildren(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return absl::DataLossError("inclusion: proof too short");
  if (r != root) return absl::DataLossError("inclusion: computed root does not match");
  return absl::OkStatus();
}

absl::Status VerifyConsistency(uint64_t size1, uint64_t size2, const Sha256Hash& root1,
                               const Sha256Hash& root2, absl::Span<const Sha256Hash> proof) {
  if (size1 > size2) {
    return absl::DataLossError(absl::StrCat("consistency: size ", size1, " > ", size2));
  }
  if (size1 == 0) {
    // RFC 9162 §2.1.4: there is no proof from the empty tree; accepting one would let any
    // pair of heads pass as consistent.
    return absl::DataLossError("consistency: no proof exists from the empty tree");
  }
  if (size1 == size2) {
    if (!proof.empty()) return absl::DataLossError("consistency: non-empty proof for equal sizes");
    if (root1 != root2) return absl::DataLossError("consistency: same size, different roots");
    return absl::OkStatus();
  }
  if (proof.empty()) return absl::DataLossError("consistency: empty proof");
  // RFC 9162 §2.1.4.2. When size1 is a power of two, its root is the proof's implicit start.
  std::vector<Sha256Hash> path(proof.begin(), proof.end());
  if ((size1 & (size1 - 1)) == 0) path.insert(path.begin(), root1);
  uint64_t fn = size1 - 1, sn = size2 - 1;
  while ((fn & 1) == 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Sha256Hash fr = path[0], sr = path[0];
  for (size_t i = 1; i < path.size(); ++i) {
    const Sha256Hash& c = path[i];
    if (sn == 0) return absl::DataLossError("consistency: proof too long");
    if ((fn & 1) == 1 || fn == sn) {
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  if (sn != 0) return absl::DataLossError("consistency: proof too short");
  if (fr != root1) return absl::DataLossError("consistency: proof does not match the first root");
  if (sr != root2) return absl::DataLossError("consistency: proof does not match the second root");
  return absl::OkStatus();
}

}  // namespace caawatch::ctlog
