#include "store/entry_proofs.h"

#include "base/status_macros.h"
#include "store/keys.h"

namespace caawatch::store {
namespace {

// In meta: one small record per entry of the findings that need evidence (a few per finding).
constexpr char kProofPrefix[] = "proof/";
constexpr char kCursorKey[] = "proof_cursor";

std::string ProofKey(const std::string& log_id, uint64_t index) {
  return kProofPrefix + log_id + BigEndian64(index);
}

}  // namespace

absl::StatusOr<std::optional<EntryProofRecord>> EntryProofs::Get(const std::string& log_id,
                                                                 uint64_t index) {
  return db_->GetRecord<EntryProofRecord>(Family::kMeta, ProofKey(log_id, index));
}

absl::Status EntryProofs::Put(const EntryProofRecord& record) {
  if (record.log_id().size() != 32) {
    return absl::InvalidArgumentError("entry proof without a 32-byte log ID");
  }
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), ProofKey(record.log_id(), record.index()),
            record.SerializeAsString());
  return db_->Write(&batch, /*sync=*/true, "put entry proof");
}

absl::StatusOr<ProofCursorRecord> EntryProofs::GetCursor() {
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<ProofCursorRecord> cursor,
                            db_->GetRecord<ProofCursorRecord>(Family::kMeta, kCursorKey));
  return cursor.value_or(ProofCursorRecord());
}

absl::Status EntryProofs::PutCursor(const ProofCursorRecord& cursor) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), kCursorKey, cursor.SerializeAsString());
  return db_->Write(&batch, /*sync=*/false, "put proof cursor");
}

}  // namespace caawatch::store
