#include "store/revocations.h"

#include "base/status_macros.h"

namespace caawatch::store {
namespace {

// In meta, beside `chain/`: one small record per forbidden finding.
constexpr char kPrefix[] = "revocation/";

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

}  // namespace caawatch::store
