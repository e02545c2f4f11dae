#include "ctlog/tile_inclusion.h"

#include <algorithm>
#include <bit>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"

namespace caawatch::ctlog {

absl::StatusOr<std::vector<Sha256Hash>> TileInclusionProof(TileHashReader& reader, uint64_t index) {
  if (index >= reader.tree_size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("entry ", index, " is outside the tree of size ", reader.tree_size()));
  }
  // PATH(m, D[begin:end]) = PATH(m, D[begin:begin+k]) : MTH(D[begin+k:end]) when m < k, else
  // PATH(m - k, D[begin+k:end]) : MTH(D[begin:begin+k]); the siblings are collected top-down
  // and the path lists them bottom-up.
  std::vector<Sha256Hash> top_down;
  uint64_t begin = 0;
  uint64_t end = reader.tree_size();
  while (end - begin > 1) {
    const uint64_t k = std::bit_floor(end - begin - 1);
    if (index < begin + k) {
      CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash right, reader.RangeHash(begin + k, end));
      top_down.push_back(right);
      end = begin + k;
    } else {
      CAAWATCH_ASSIGN_OR_RETURN(const Sha256Hash left, reader.RangeHash(begin, begin + k));
      top_down.push_back(left);
      begin += k;
    }
  }
  std::reverse(top_down.begin(), top_down.end());
  return top_down;
}

}  // namespace caawatch::ctlog
