// What takes space in a store (`caawatch store stats`): per column family and per key prefix
// within it, the keys and their bytes; per family the SST files RocksDB keeps on disk; the
// write-ahead log and the whole directory. Works on a store opened read-only while
// `caawatch run` holds it.
#ifndef CAAWATCH_STORE_STORE_STATS_H_
#define CAAWATCH_STORE_STORE_STATS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/database.h"

namespace caawatch::store {

// The keys of one prefix of a family (SCHEMA.md): exact, from a full scan.
struct PrefixStats {
  std::string prefix;  // "log_health/", "c (certificate findings)", "log 1a2b3c4d"...
  uint64_t keys = 0;
  uint64_t bytes = 0;  // Keys plus values as stored, before RocksDB's compression.
};

struct FamilyStats {
  std::string family;
  uint64_t keys = 0;   // Exact (a full scan).
  uint64_t bytes = 0;  // Exact, keys plus values before compression.
  uint64_t sst_files = 0;
  uint64_t sst_bytes = 0;             // On disk, compressed (RocksDB's live file sizes).
  std::vector<PrefixStats> prefixes;  // Largest first; none for a family of one kind of key.
};

struct StoreStats {
  std::vector<FamilyStats> families;  // Largest first (the greater of bytes and sst_bytes).
  uint64_t wal_files = 0;
  uint64_t wal_bytes = 0;    // The write-ahead log files (*.log) in the directory.
  uint64_t total_bytes = 0;  // Every regular file in the data directory.
};

// Scans every family once (cost: one read of the store). Errors: the scans' (kDataLoss for a
// damaged file), or the directory listing's.
[[nodiscard]] absl::StatusOr<StoreStats> CollectStoreStats(const Database& db);

// The regular files of `dir`, summed (what `store compact` reports before and after).
[[nodiscard]] absl::StatusOr<uint64_t> DirectoryBytes(const std::string& dir);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_STORE_STATS_H_
