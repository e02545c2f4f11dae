#include "store/watches.h"

#include "base/status_macros.h"
#include "store/scan.h"

namespace caawatch::store {

absl::Status Watches::Put(const WatchRecord& entry) {
  if (entry.name().empty()) return absl::InvalidArgumentError("watch entry without a name");
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kWatch), entry.name(), entry.SerializeAsString());
  return db_->Write(&batch, /*sync=*/true, "put watch");
}

absl::StatusOr<bool> Watches::Remove(const std::string& name) {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(db_->Get(Family::kWatch, name, &value, &found));
  if (!found) return false;
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Delete(db_->handle(Family::kWatch), name);
  CAAWATCH_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true, "remove watch"));
  return true;
}

absl::StatusOr<std::vector<WatchRecord>> Watches::List() {
  return ScanRecords<WatchRecord>(*db_, Family::kWatch, KeyRange::All(), "watch");
}

}  // namespace caawatch::store
