// Who holds the store: `caawatch run` records its PID and gRPC address in a small file beside
// the store's lock, so that a command finds the monitor holding a store and a locked store
// names its holder with its address. A record whose process no longer holds the lock (a crash
// left it) is stale and ignored.
#ifndef CAAWATCH_STORE_HOLDER_H_
#define CAAWATCH_STORE_HOLDER_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"

namespace caawatch::store {

struct StoreHolder {
  pid_t pid = 0;
  std::string address;  // Where its gRPC service answers: "127.0.0.1:7443", "unix:/path".
};

// The record of the store in `dir`, when the process it names holds the store's lock now;
// nullopt when there is no record, it is damaged, or it is stale.
[[nodiscard]] std::optional<StoreHolder> LiveStoreHolder(const std::string& dir);

// This process's record, for as long as it lives: written (replaced atomically) by Write,
// removed by the destructor unless another process has replaced it since.
class StoreHolderRecord {
 public:
  // `address`: printable, at most 512 bytes (kInvalidArgument otherwise); kFailedPrecondition
  // when the file cannot be written.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<StoreHolderRecord>> Write(
      const std::string& dir, const std::string& address);
  ~StoreHolderRecord();
  StoreHolderRecord(const StoreHolderRecord&) = delete;
  StoreHolderRecord& operator=(const StoreHolderRecord&) = delete;

 private:
  explicit StoreHolderRecord(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_HOLDER_H_
