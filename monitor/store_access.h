// The store as a command opens it: for reading beside a running `caawatch run` (history
// queries), for writing (creating it), and the roll-back of a damaged write-ahead log. Errors
// say what they are (store::Store::Open: not found, locked by PID N, damaged, read-only
// file system, permission denied).
#ifndef CAAWATCH_MONITOR_STORE_ACCESS_H_
#define CAAWATCH_MONITOR_STORE_ACCESS_H_

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "store/holder.h"
#include "store/store.h"

namespace caawatch::monitor {

// Read-only, while another process may hold the store for writing; kNotFound if there is none.
absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForReading(const std::string& data_dir);
// Read-write, creating the store if needed; kUnavailable only when another process holds it.
absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForWriting(const std::string& data_dir);

// The `caawatch run` holding the store in `data_dir` and the gRPC address it recorded
// (store/holder.h); nullopt when none does (or it serves no gRPC, as `run --once`).
std::optional<store::StoreHolder> MonitorHoldingStore(const std::string& data_dir);
// "the store at DIR is locked by PID N (caawatch run), which serves gRPC at ADDR" while another
// process holds the store; nullopt otherwise.
std::optional<std::string> DescribeStoreHolder(const std::string& data_dir);

// After OpenStoreForWriting said kDataLoss: rolls the store back to its last intact write and
// returns what was lost, in a sentence for the log (the log positions kept make the monitor
// read the lost entries again). An error when the damage is not in the write-ahead log.
absl::StatusOr<std::string> RecoverDamagedWal(const std::string& data_dir);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_STORE_ACCESS_H_
