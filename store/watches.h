// The stored watchlist (SCHEMA.md `watch`): entries added at run time, by name.
#ifndef CAAWATCH_STORE_WATCHES_H_
#define CAAWATCH_STORE_WATCHES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/records.pb.h"

namespace caawatch::store {

class Watches {
 public:
  explicit Watches(Database* db) : db_(db) {}  // Borrowed.

  // Replaces an entry of the same name; synced. kInvalidArgument without a name.
  [[nodiscard]] absl::Status Put(const WatchRecord& entry);
  // Returns whether it existed; synced.
  [[nodiscard]] absl::StatusOr<bool> Remove(const std::string& name);
  // Every entry, by name.
  [[nodiscard]] absl::StatusOr<std::vector<WatchRecord>> List();

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_WATCHES_H_
