#include "tests/fakes/reference_merkle.h"

#include <string>

namespace caawatch::fakes {
namespace {

using ctlog::Sha256Hash;
using Leaves = absl::Span<const Sha256Hash>;

// The largest power of two strictly smaller than n (n > 1).
uint64_t SplitPoint(uint64_t n) {
  uint64_t k = 1;
  while (k << 1 < n) k <<= 1;
  return k;
}

// SUBPROOF(m, D[n], b) of §2.1.2.
void SubProof(uint64_t m, Leaves d, bool b, std::vector<Sha256Hash>* out) {
  const uint64_t n = d.size();
  if (m == n) {
    if (!b) out->push_back(ReferenceRoot(d));
    return;
  }
  const uint64_t k = SplitPoint(n);
  if (m <= k) {
    SubProof(m, d.subspan(0, k), b, out);
    out->push_back(ReferenceRoot(d.subspan(k)));
  } else {
    SubProof(m - k, d.subspan(k), false, out);
    out->push_back(ReferenceRoot(d.subspan(0, k)));
  }
}

void Path(uint64_t m, Leaves d, std::vector<Sha256Hash>* out) {
  const uint64_t n = d.size();
  if (n <= 1) return;
  const uint64_t k = SplitPoint(n);
  if (m < k) {
    Path(m, d.subspan(0, k), out);
    out->push_back(ReferenceRoot(d.subspan(k)));
  } else {
    Path(m - k, d.subspan(k), out);
    out->push_back(ReferenceRoot(d.subspan(0, k)));
  }
}

}  // namespace

Sha256Hash ReferenceLeafHash(absl::Span<const uint8_t> leaf_input) {
  std::vector<uint8_t> buf;
  buf.reserve(leaf_input.size() + 1);
  buf.push_back(0x00);
  buf.insert(buf.end(), leaf_input.begin(), leaf_input.end());
  return ctlog::Sha256(absl::MakeConstSpan(buf));
}

Sha256Hash ReferenceNodeHash(const Sha256Hash& left, const Sha256Hash& right) {
  std::vector<uint8_t> buf;
  buf.reserve(65);
  buf.push_back(0x01);
  buf.insert(buf.end(), left.begin(), left.end());
  buf.insert(buf.end(), right.begin(), right.end());
  return ctlog::Sha256(absl::MakeConstSpan(buf));
}

Sha256Hash ReferenceRoot(Leaves d) {
  if (d.empty()) return ctlog::Sha256(absl::string_view());
  if (d.size() == 1) return d[0];
  const uint64_t k = SplitPoint(d.size());
  return ReferenceNodeHash(ReferenceRoot(d.subspan(0, k)), ReferenceRoot(d.subspan(k)));
}

std::vector<Sha256Hash> ReferenceConsistencyProof(uint64_t m, Leaves leaf_hashes) {
  std::vector<Sha256Hash> proof;
  if (m == 0 || m >= leaf_hashes.size()) return proof;
  SubProof(m, leaf_hashes, true, &proof);
  return proof;
}

std::vector<Sha256Hash> ReferenceInclusionProof(uint64_t m, Leaves leaf_hashes) {
  std::vector<Sha256Hash> proof;
  if (m >= leaf_hashes.size()) return proof;
  Path(m, leaf_hashes, &proof);
  return proof;
}

}  // namespace caawatch::fakes
