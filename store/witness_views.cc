// Witnesses' views of the logs: in the meta family under "witness_view/" + log ID + witness name
// (SCHEMA.md), so that no column family is added and an older reader skips them.
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/logs.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

constexpr absl::string_view kViewPrefix = "witness_view/";

}  // namespace

absl::Status Logs::PutWitnessView(const WitnessViewRecord& view) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  if (view.log_id().size() != 32 || view.witness().empty()) {
    return absl::InvalidArgumentError("witness view needs a 32-byte log ID and a witness");
  }
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), absl::StrCat(kViewPrefix, view.log_id(), view.witness()),
            view.SerializeAsString());
  return db_->Write(&batch, /*sync=*/false, "put witness view");
}

absl::StatusOr<std::optional<WitnessViewRecord>> Logs::GetWitnessView(const std::string& log_id,
                                                                      const std::string& witness) {
  return db_->GetRecord<WitnessViewRecord>(Family::kMeta,
                                           absl::StrCat(kViewPrefix, log_id, witness));
}

absl::StatusOr<std::vector<WitnessViewRecord>> Logs::ListWitnessViews() {
  return ScanRecords<WitnessViewRecord>(*db_, Family::kMeta, KeyRange::Prefix(kViewPrefix),
                                        "witness view");
}

}  // namespace caawatch::store
