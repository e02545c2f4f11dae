#include "store/logs.h"

#include "base/status_macros.h"
#include "store/keys.h"
#include "store/scan.h"

namespace caawatch::store {

absl::StatusOr<std::optional<LogStateRecord>> Logs::LoadState(const std::string& log_id) {
  return db_->GetRecord<LogStateRecord>(Family::kLogState, log_id);
}

absl::StatusOr<std::vector<LogStateRecord>> Logs::ListStates() {
  return ScanRecords<LogStateRecord>(*db_, Family::kLogState, KeyRange::All(), "log state");
}

void Logs::StageState(const LogStateRecord& state, rocksdb::WriteBatch* batch) {
  batch->Put(db_->handle(Family::kLogState), state.log_id(), state.SerializeAsString());
}

absl::Status Logs::PutTreeHead(const TreeHeadRecord& head) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  if (head.log_id().size() != 32 || head.root_hash().size() != 32) {
    return absl::InvalidArgumentError("tree head needs a 32-byte log ID and root hash");
  }
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kTreeHeads),
            TreeHeadKey(head.log_id(), head.tree_size(), head.root_hash()),
            head.SerializeAsString());
  // Evidence: it must survive a crash like a committed position.
  return db_->Write(&batch, /*sync=*/true, "put tree head");
}

absl::StatusOr<std::optional<TreeHeadRecord>> Logs::GetTreeHead(const std::string& log_id,
                                                                uint64_t tree_size,
                                                                const std::string& root_hash) {
  return db_->GetRecord<TreeHeadRecord>(Family::kTreeHeads,
                                        TreeHeadKey(log_id, tree_size, root_hash));
}

absl::StatusOr<std::vector<TreeHeadRecord>> Logs::ListTreeHeads(const std::string& log_id,
                                                                size_t limit) {
  if (log_id.size() != 32) return std::vector<TreeHeadRecord>();
  ScanOptions options;
  options.limit = limit;
  return ScanRecords<TreeHeadRecord>(*db_, Family::kTreeHeads, KeyRange::Prefix(log_id),
                                     "tree head", options);
}

}  // namespace caawatch::store
