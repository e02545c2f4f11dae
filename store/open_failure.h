// Why a store could not be opened, said as what it is: damaged (corrupt, or its CURRENT file
// missing), on a read-only file system, not permitted to this user, or locked by another
// process (with its PID when the kernel names one). RocksDB's own text stays appended.
#ifndef CAAWATCH_STORE_OPEN_FAILURE_H_
#define CAAWATCH_STORE_OPEN_FAILURE_H_

#include <sys/types.h>

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace caawatch::store {

// Checked before RocksDB touches `dir` (a writer's open would otherwise create a fresh, empty
// store over the files of a damaged one). kDataLoss if CURRENT is missing while a MANIFEST is
// there, saying how to restore it; kNotFound for a reader when there is no store at all; OK
// otherwise (a writer then creates the store).
[[nodiscard]] absl::Status CheckStoreFiles(const std::string& dir, bool read_only);

// The status for RocksDB's failure `s` to open the store in `dir` (s not OK):
//   kUnavailable       another process holds the store's lock ("locked by PID N (cmd)");
//                      only when RocksDB failed to take the lock, never otherwise
//   kFailedPrecondition read-only file system, or permission denied (which path, its owner and
//                      mode, and the user), or any other operator-fixable I/O failure
//   kDataLoss          the store is damaged (RocksDB reported corruption)
// `wal_only` says the damage is confined to the write-ahead log (the caller found that the
// intact prefix opens): the message then says what `caawatch run` does about it.
[[nodiscard]] absl::Status DescribeOpenFailure(const std::string& dir, const rocksdb::Status& s,
                                               bool read_only, bool wal_only);

// While another process holds the lock of the store in `dir`: "the store at DIR is locked by
// PID N (caawatch run)", and ", which serves gRPC at ADDR" when its record (store/holder.h)
// says so; nullopt when no other process holds it.
[[nodiscard]] std::optional<std::string> DescribeLockHolder(const std::string& dir);

// The process holding a POSIX lock on `path`, from /proc/locks (RocksDB locks its LOCK file
// with fcntl); nullopt if no process does, or the kernel does not say.
[[nodiscard]] std::optional<pid_t> LockHolder(const std::string& path);

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_OPEN_FAILURE_H_
