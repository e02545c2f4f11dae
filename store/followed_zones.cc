#include "store/followed_zones.h"

#include <algorithm>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

// In meta, as the logs' health records: a few small records, no column family of their own.
constexpr char kStatusPrefix[] = "zone_status/";
constexpr char kCopyPrefix[] = "zone_copy/";

}  // namespace

absl::Status FollowedZones::PutStatus(const ZoneStatusRecord& status) {
  if (status.zone().empty()) return absl::InvalidArgumentError("zone status without a zone");
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), absl::StrCat(kStatusPrefix, status.zone()),
            status.SerializeAsString());
  return db_->Write(&batch, /*sync=*/false, "put zone status");
}

absl::StatusOr<std::vector<ZoneStatusRecord>> FollowedZones::ListStatus() {
  return ScanRecords<ZoneStatusRecord>(*db_, Family::kMeta, KeyRange::Prefix(kStatusPrefix),
                                       "zone status");
}

absl::Status FollowedZones::RetainOnly(const std::vector<std::string>& followed) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ZoneStatusRecord> records, ListStatus());
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  for (const ZoneStatusRecord& r : records) {
    if (std::find(followed.begin(), followed.end(), r.zone()) != followed.end()) continue;
    batch.Delete(db_->handle(Family::kMeta), absl::StrCat(kStatusPrefix, r.zone()));
    batch.Delete(db_->handle(Family::kMeta), absl::StrCat(kCopyPrefix, r.zone()));
  }
  if (batch.Count() == 0) return absl::OkStatus();
  return db_->Write(&batch, /*sync=*/false, "remove zone status");
}

absl::Status FollowedZones::PutCopy(const ZoneCopyRecord& copy) {
  if (copy.zone().empty()) return absl::InvalidArgumentError("zone copy without a zone");
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), absl::StrCat(kCopyPrefix, copy.zone()),
            copy.SerializeAsString());
  return db_->Write(&batch, /*sync=*/true, "put zone copy");
}

absl::StatusOr<std::optional<ZoneCopyRecord>> FollowedZones::GetCopy(const std::string& zone) {
  return db_->GetRecord<ZoneCopyRecord>(Family::kMeta, absl::StrCat(kCopyPrefix, zone));
}

}  // namespace caawatch::store
