// How a store is opened: reader or writer, what to do about a damaged write-ahead log, the
// lowest seq a writer hands out, the free space writes keep.
#ifndef CAAWATCH_STORE_OPEN_OPTIONS_H_
#define CAAWATCH_STORE_OPEN_OPTIONS_H_

#include <cstdint>

namespace caawatch::store {

// What Open does when the write-ahead log is damaged (not merely cut short by a crash, which
// every mode accepts).
enum class WalDamage {
  kFail,  // kDataLoss, saying so: nothing is rolled back silently.
  // Keeps every write before the first damaged record and drops the rest (RocksDB's
  // point-in-time recovery): a consistent, older store. Writers only (RecoverDamagedWal).
  kKeepIntactPrefix,
  // Skips the damaged records and applies the rest: not consistent, only read to learn what a
  // kKeepIntactPrefix open dropped. Readers only.
  kSkipDamagedRecords,
};

struct OpenOptions {
  bool read_only = false;  // CLI readers open without locking out `run`.
  WalDamage on_wal_damage = WalDamage::kFail;
  // A writer never gives new findings a seq below this: seqs a lost write had handed out were
  // alerted already, and a finding found again must reach subscribers as new.
  uint64_t min_next_seq = 0;
  // Writes are refused (kFailedPrecondition, saying how much is free) while the file system
  // holding the store has less than this free: RocksDB is never driven into a full disk, where
  // its error paths are not safe to rely on.
  uint64_t min_free_bytes = uint64_t{64} << 20;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_OPEN_OPTIONS_H_
