// Logs' health records: in the meta family under "log_health/" + log ID (SCHEMA.md), so that
// no column family is added and an older reader skips them.
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/logs.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

constexpr absl::string_view kHealthPrefix = "log_health/";

}  // namespace

absl::Status Logs::PutHealth(const LogHealthRecord& health) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), absl::StrCat(kHealthPrefix, health.log_id()),
            health.SerializeAsString());
  return db_->Write(&batch, /*sync=*/false, "put log health");
}

absl::StatusOr<std::vector<LogHealthRecord>> Logs::ListHealth() {
  return ScanRecords<LogHealthRecord>(*db_, Family::kMeta, KeyRange::Prefix(kHealthPrefix),
                                      "log health");
}

}  // namespace caawatch::store
