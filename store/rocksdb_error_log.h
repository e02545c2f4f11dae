// RocksDB's own log (DBOptions::info_log), as caawatch keeps it: only its fatal errors, on
// stderr, one line each ("rocksdb: [FATAL] ..."), and nothing in a LOG file beside the store.
// Its ERROR lines are not shown: RocksDB returns every error that matters as a status, which
// caawatch reports in its own words, and some are routine (a read-only open looking for a
// directory that a store without WAL files lacks). A LOG file on the
// store's disk is written to when that disk is full, and RocksDB (Debian's build keeps its
// assertions) aborts when it logs again through a file writer that failed: a full disk must
// stop caawatch with a clear error, never crash it.
#ifndef CAAWATCH_STORE_ROCKSDB_ERROR_LOG_H_
#define CAAWATCH_STORE_ROCKSDB_ERROR_LOG_H_

#include <cstdarg>

#include "rocksdb/env.h"

namespace caawatch::store {

class RocksDbErrorLog : public rocksdb::Logger {
 public:
  RocksDbErrorLog() : rocksdb::Logger(rocksdb::InfoLogLevel::FATAL_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_ROCKSDB_ERROR_LOG_H_
