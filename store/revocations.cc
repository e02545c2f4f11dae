#include "store/revocations.h"

#include "base/status_macros.h"

namespace caawatch::store {
namespace {

// In meta, beside `chain/`: one small record per forbidden finding.
constexpr char kPrefix[] = "revocation/";
// Outside the prefix: a walk over `revocation/` never meets it.
constexpr char kFollowerKey[] = "revocation_status";

}  // namespace

absl::StatusOr<std::optional<RevocationRecord>> Revocations::Get(const std::string& tbs_sha256) {
  return db_->GetRecord<RevocationRecord>(Family::kMeta, kPrefix + tbs_sha256);
}

absl::Status Revocations::Put(const RevocationRecord& record, bool sync) {
  if (record.tbs_sha256().empty()) {
    return absl::InvalidArgumentError("revocation record without a finding key");
  }
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), kPrefix + record.tbs_sha256(), record.SerializeAsString());
  return db_->Write(&batch, sync, "put revocation record");
}

absl::StatusOr<RevocationFollowerRecord> Revocations::GetFollowerStatus() {
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<RevocationFollowerRecord> status,
                            db_->GetRecord<RevocationFollowerRecord>(Family::kMeta, kFollowerKey));
  return status.value_or(RevocationFollowerRecord());
}

absl::Status Revocations::PutFollowerStatus(const RevocationFollowerRecord& status) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), kFollowerKey, status.SerializeAsString());
  return db_->Write(&batch, /*sync=*/false, "put revocation follower status");
}

}  // namespace caawatch::store
