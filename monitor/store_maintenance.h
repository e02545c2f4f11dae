// Whole-store maintenance for the commands (`caawatch store stats`, `store compact`): what
// takes space, and the retention rule (store/retention.h) applied to a stopped store followed
// by RocksDB's compaction, which gives the space of deleted keys back.
#ifndef CAAWATCH_MONITOR_STORE_MAINTENANCE_H_
#define CAAWATCH_MONITOR_STORE_MAINTENANCE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/caa_retention.h"
#include "store/retention.h"
#include "store/store.h"
#include "store/store_stats.h"

namespace caawatch::monitor {

// store/store_stats.h, on a store opened for reading or writing.
absl::StatusOr<store::StoreStats> CollectStoreStats(store::Store* store);

struct CompactReport {
  uint64_t bytes_before = 0;  // The data directory's regular files.
  uint64_t bytes_after = 0;
  store::PruneCounts heads;
  uint64_t raw_answers_dropped = 0;   // store/caa_retention.h
  int64_t ledger_records_before = 0;  // caa_polled records.
  int64_t ledger_records_after = 0;
};

// On a store opened for writing (so no `run` holds it): one whole pruning pass of the tree
// heads and of the raw CAA answers (store/caa_retention.h), the CAA poll ledger records older than
// `caa_poll_interval` (which no poll reads) removed, then every column family compacted.
absl::StatusOr<CompactReport> CompactStore(store::Store* store, const store::RetentionRule& rule,
                                           absl::Duration caa_poll_interval,
                                           absl::Duration caa_raw_answer_retention, absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_STORE_MAINTENANCE_H_
