#include "store/sink_cursors.h"

#include "base/status_macros.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

// In meta rather than a column family of their own: a few small records, and every family
// costs a memtable of the write buffer budget that all of them share.
constexpr char kPrefix[] = "sink/";

std::string CursorKey(const std::string& sink_id) { return kPrefix + sink_id; }

}  // namespace

absl::StatusOr<std::optional<SinkCursorRecord>> SinkCursors::Get(const std::string& sink_id) {
  return db_->GetRecord<SinkCursorRecord>(Family::kMeta, CursorKey(sink_id));
}

absl::Status SinkCursors::Put(const SinkCursorRecord& cursor, bool sync) {
  if (cursor.sink_id().empty()) return absl::InvalidArgumentError("sink cursor without a sink");
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), CursorKey(cursor.sink_id()), cursor.SerializeAsString());
  return db_->Write(&batch, sync, "put sink cursor");
}

absl::StatusOr<std::vector<SinkCursorRecord>> SinkCursors::List() {
  return ScanRecords<SinkCursorRecord>(*db_, Family::kMeta, KeyRange::Prefix(kPrefix),
                                       "sink cursor");
}

}  // namespace caawatch::store
