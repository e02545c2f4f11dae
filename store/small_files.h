// Merges the tiny SST files of families whose keys only grow. RocksDB moves such a family's
// flushed files down a level without merging them (a trivial move: they overlap nothing), so
// by_seq, by_time and reeval keep one file of a few KB per flush, for ever: the soak (issue 22)
// found 102 files of ~5 KB each in by_seq after 8 simulated hours, and every flush of the shared
// write buffer adds one. Each is an open file and an index in memory (database.h bounds those).
#ifndef CAAWATCH_STORE_SMALL_FILES_H_
#define CAAWATCH_STORE_SMALL_FILES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/database.h"

namespace caawatch::store {

// A family is merged when it has more than this many SST files averaging under kSmallFileBytes.
inline constexpr size_t kMaxSmallFiles = 16;
inline constexpr uint64_t kSmallFileBytes = uint64_t{1} << 20;

// Compacts, whole, every family with more than kMaxSmallFiles SST files of under
// kSmallFileBytes on average (a few MiB of rewriting at most; large families are left to
// RocksDB). Returns the names of the families it compacted.
absl::StatusOr<std::vector<std::string>> MergeSmallFiles(Database& db);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_SMALL_FILES_H_
