// 64-bit FNV-1a: a stable hash of names, the same in every build and run, for what the store
// keeps across runs (the CAA poll ledger, the watchlist's search-name digest) — not for hash
// tables, which use absl::Hash, or MumHash64 for the one that is saved (LabelTrie).
#ifndef CAAWATCH_WATCH_FNV1A_H_
#define CAAWATCH_WATCH_FNV1A_H_

#include <cstdint>

#include "absl/strings/string_view.h"

namespace caawatch::watch {

inline constexpr uint64_t kFnv1aOffset = 0xcbf29ce484222325ULL;

// Continues the hash `seed` (kFnv1aOffset to start) over `bytes`.
inline uint64_t Fnv1a64(absl::string_view bytes, uint64_t seed = kFnv1aOffset) {
  uint64_t hash = seed;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

}  // namespace caawatch::watch

#endif  // CAAWATCH_WATCH_FNV1A_H_
