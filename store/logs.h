// What the store keeps per CT log: its position (SCHEMA.md `log_state`, committed with the
// findings of the range it covers, see Findings::Commit) and the tree heads it signed
// (`tree_heads`).
#ifndef CAAWATCH_STORE_LOGS_H_
#define CAAWATCH_STORE_LOGS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "rocksdb/write_batch.h"
#include "store/database.h"
#include "store/log_health.pb.h"
#include "store/records.pb.h"

namespace caawatch::store {

class Logs {
 public:
  explicit Logs(Database* db) : db_(db) {}  // Borrowed.

  [[nodiscard]] absl::StatusOr<std::optional<LogStateRecord>> LoadState(const std::string& log_id);
  // Every log's state, by log ID.
  [[nodiscard]] absl::StatusOr<std::vector<LogStateRecord>> ListStates();
  // Adds `state` to `batch`, replacing the log's stored state when the batch is written: a
  // position lands atomically with what was found before it.
  void StageState(const LogStateRecord& state, rocksdb::WriteBatch* batch);

  // How the running monitor fares with each log (log_health.proto): replaces the log's record;
  // not synced (it is rewritten within seconds). Implemented in log_health.cc.
  [[nodiscard]] absl::Status PutHealth(const LogHealthRecord& health);
  // Every log's health record, by log ID.
  [[nodiscard]] absl::StatusOr<std::vector<LogHealthRecord>> ListHealth();

  // Each witness's view of each log (records.proto WitnessViewRecord, SCHEMA.md meta
  // `witness_view/`): replaces the record of the same log and witness; not synced (rewritten at
  // every check). Implemented in witness_views.cc.
  [[nodiscard]] absl::Status PutWitnessView(const WitnessViewRecord& view);
  [[nodiscard]] absl::StatusOr<std::optional<WitnessViewRecord>> GetWitnessView(
      const std::string& log_id, const std::string& witness);
  // Every record, by log ID then witness name.
  [[nodiscard]] absl::StatusOr<std::vector<WitnessViewRecord>> ListWitnessViews();

  // Replaces the record of the same log, size and root; synced (evidence). kInvalidArgument
  // without a 32-byte log ID and root.
  [[nodiscard]] absl::Status PutTreeHead(const TreeHeadRecord& head);
  [[nodiscard]] absl::StatusOr<std::optional<TreeHeadRecord>> GetTreeHead(
      const std::string& log_id, uint64_t tree_size, const std::string& root_hash);
  // Every head of the log, by tree size then root; at most `limit`.
  [[nodiscard]] absl::StatusOr<std::vector<TreeHeadRecord>> ListTreeHeads(const std::string& log_id,
                                                                          size_t limit = 100000);

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_LOGS_H_
