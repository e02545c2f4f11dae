#include "store/iodef_reports.h"

#include <vector>

#include "base/status_macros.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

// In meta, as the sink cursors: a few small records.
constexpr char kPrefix[] = "iodef/";

std::string ReportsKey(const std::string& target) { return kPrefix + target; }

}  // namespace

absl::StatusOr<std::optional<IodefReportsRecord>> IodefReports::Get(const std::string& target) {
  return db_->GetRecord<IodefReportsRecord>(Family::kMeta, ReportsKey(target));
}

absl::Status IodefReports::Put(const IodefReportsRecord& record, absl::Time forget_before) {
  if (record.target().empty()) return absl::InvalidArgumentError("iodef reports without a target");
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<IodefReportsRecord> all,
                            ScanRecords<IodefReportsRecord>(
                                *db_, Family::kMeta, KeyRange::Prefix(kPrefix), "iodef reports"));
  rocksdb::WriteBatch batch;
  const int64_t cutoff = absl::ToUnixMillis(forget_before);
  for (const IodefReportsRecord& r : all) {
    const bool expired = r.sent_ms().empty() || r.sent_ms(r.sent_ms_size() - 1) < cutoff;
    if (expired && r.target() != record.target()) {
      batch.Delete(db_->handle(Family::kMeta), ReportsKey(r.target()));
    }
  }
  batch.Put(db_->handle(Family::kMeta), ReportsKey(record.target()), record.SerializeAsString());
  return db_->Write(&batch, /*sync=*/false, "put iodef reports");
}

}  // namespace caawatch::store
