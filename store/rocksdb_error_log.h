// RocksDB's own log (DBOptions::info_log), as caawatch keeps it: its errors on stderr, one line
// each ("rocksdb: [ERROR] ..."), and nothing in a LOG file beside the store. A LOG file on the
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
  RocksDbErrorLog() : rocksdb::Logger(rocksdb::InfoLogLevel::ERROR_LEVEL) {}
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_ROCKSDB_ERROR_LOG_H_
