#include "store/caa_retention.h"

#include <algorithm>

#include "base/status_macros.h"
#include "store/records.pb.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

using Windows = absl::flat_hash_map<std::string, std::vector<std::pair<int64_t, int64_t>>>;

void AddWindows(const google::protobuf::RepeatedPtrField<CaaNameRecord>& caa, Windows* out) {
  for (const CaaNameRecord& n : caa) {
    int64_t start = n.window_start_ms();
    int64_t end = n.window_end_ms();
    // The observations it cites may reach beyond the window (a no_data finding's first later
    // state): their spans count too.
    for (const CaaObservationRecord& o : n.observations()) {
      start = std::min(start, o.first_seen_ms());
      end = std::max(end, o.last_seen_ms());
    }
    for (const CaaObservationRecord& o : n.observations()) {
      (*out)[o.query_name()].emplace_back(start, end);
    }
    (*out)[n.name()].emplace_back(start, end);
    if (!n.relevant_name().empty()) (*out)[n.relevant_name()].emplace_back(start, end);
  }
}

}  // namespace

absl::Status RawAnswerPruner::StartPass() {
  windows_.clear();
  CAAWATCH_RETURN_IF_ERROR(Scan(
      *db_, Family::kFindings, KeyRange::All(), {},
      [&](absl::string_view, absl::string_view value) -> absl::StatusOr<ScanStep> {
        CAAWATCH_ASSIGN_OR_RETURN(FindingRecord f, ParseRecord<FindingRecord>(value, "finding"));
        AddWindows(f.caa(), &windows_);
        for (const FindingRevisionRecord& r : f.history()) AddWindows(r.caa(), &windows_);
        return ScanStep::kNext;
      }));
  cursor_.clear();
  in_pass_ = true;
  return absl::OkStatus();
}

absl::StatusOr<bool> RawAnswerPruner::Step(absl::Time now, size_t max_records) {
  if (!in_pass_) CAAWATCH_RETURN_IF_ERROR(StartPass());
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
             if (const auto w = windows_.find(r.query_name()); w != windows_.end()) {
               for (const auto& [start, end] : w->second) {
                 if (r.first_seen_ms() <= end && r.last_seen_ms() >= start) return ScanStep::kNext;
               }
             }
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
