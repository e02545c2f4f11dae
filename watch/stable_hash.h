// The one stable 64-bit hash of bytes: XXH3 (xxHash, Debian libxxhash-dev), the same in every
// build, run and machine, for what outlives a process: the saved watchlist index (its hash
// table, key and checksum), the CAA poll ledger's name keys and the watchlist's search-name
// digest. Not cryptographic: nothing an attacker chooses is keyed by it alone.
#ifndef CAAWATCH_WATCH_STABLE_HASH_H_
#define CAAWATCH_WATCH_STABLE_HASH_H_

#include <cstdint>

#include "absl/strings/string_view.h"

// Inlined: most inputs are DNS labels of a few octets, where a call would cost more than the hash.
#define XXH_INLINE_ALL
#include <xxhash.h>

namespace caawatch::watch {

// The hash of `bytes` under `seed`; continuing a hash is hashing more bytes with it as the seed.
inline uint64_t StableHash64(absl::string_view bytes, uint64_t seed = 0) {
  return XXH3_64bits_withSeed(bytes.data(), bytes.size(), seed);
}

}  // namespace caawatch::watch

#endif  // CAAWATCH_WATCH_STABLE_HASH_H_
