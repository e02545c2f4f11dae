#include "store/caa_retention.h"

#include "base/status_macros.h"
#include "store/finding_refs.h"
#include "store/records.pb.h"
#include "store/scan.h"

namespace caawatch::store {

absl::StatusOr<bool> RawAnswerPruner::Step(absl::Time now, size_t max_records) {
  if (!in_pass_) {
    cursor_.clear();
    in_pass_ = true;
  }
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  const int64_t cutoff_ms = ClampedMillis(now - max_age_);
  rocksdb::WriteBatch batch;
  std::string last;
  size_t seen = 0;
  ScanOptions options;
  options.limit = max_records;
  options.total_order = true;  // Across query names.
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kCaaObs, KeyRange{cursor_, ""}, options,
           [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<ScanStep> {
             ++seen;
             last = std::string(key);
             CAAWATCH_ASSIGN_OR_RETURN(CaaObservationRecord r,
                                       ParseRecord<CaaObservationRecord>(value, "caa observation"));
             if (r.raw_answer().empty() || r.last_seen_ms() >= cutoff_ms) return ScanStep::kNext;
             CAAWATCH_ASSIGN_OR_RETURN(
                 const bool used,
                 CaaSpanReferenced(*db_, r.query_name(), r.first_seen_ms(), r.last_seen_ms()));
             if (used) return ScanStep::kNext;
             r.clear_raw_answer();
             batch.Put(db_->handle(Family::kCaaObs), rocksdb::Slice(key.data(), key.size()),
                       r.SerializeAsString());
             ++dropped_;
             return ScanStep::kNext;
           }));
  if (batch.Count() > 0) {
    CAAWATCH_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/false, "drop old raw CAA answers"));
  }
  if (seen < max_records || max_records == 0) {
    in_pass_ = false;
    return true;
  }
  cursor_ = KeyAfter(last);
  return false;
}

absl::Status RawAnswerPruner::RunPass(absl::Time now, size_t max_records) {
  if (max_records == 0) return absl::InvalidArgumentError("a pruning step of no records");
  for (;;) {
    CAAWATCH_ASSIGN_OR_RETURN(const bool done, Step(now, max_records));
    if (done) return absl::OkStatus();
  }
}

}  // namespace caawatch::store
