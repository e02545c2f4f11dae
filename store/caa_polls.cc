#include "store/caa_polls.h"

#include <algorithm>
#include <string>

#include "base/status_macros.h"
#include "store/keys.h"
#include "store/records.pb.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

constexpr char kCaaPollPassKey[] = "caa_poll_pass";  // In meta.

}  // namespace

absl::Status CaaPolls::RecordPolled(absl::Time polled_at, absl::Span<const uint64_t> name_hashes) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  if (name_hashes.empty()) return absl::OkStatus();
  CaaPolledRecord record;
  record.mutable_name_hashes()->Add(name_hashes.begin(), name_hashes.end());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kCaaPolled),
            CaaPolledKey(ClampedMillis(polled_at), name_hashes.front()),
            record.SerializeAsString());
  // Not synced: a crash that takes the record back only makes the next start poll these names
  // again. The observations it stands for were synced before it.
  return db_->Write(&batch, /*sync=*/false, "record CAA poll");
}

absl::StatusOr<std::vector<CaaPolled>> CaaPolls::PolledSince(absl::Time since) {
  std::vector<CaaPolled> out;
  KeyRange range;
  range.lower = BigEndian64(static_cast<uint64_t>(std::max<int64_t>(ClampedMillis(since), 0)));
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kCaaPolled, range, {},
           [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<ScanStep> {
             if (key.size() < 8) return absl::DataLossError("corrupt CAA poll key");
             CAAWATCH_ASSIGN_OR_RETURN(CaaPolledRecord r,
                                       ParseRecord<CaaPolledRecord>(value, "CAA poll record"));
             CaaPolled polled;
             polled.polled_at =
                 absl::FromUnixMillis(static_cast<int64_t>(ReadBigEndian64(key.substr(0, 8))));
             polled.name_hashes.assign(r.name_hashes().begin(), r.name_hashes().end());
             out.push_back(std::move(polled));
             return ScanStep::kNext;
           }));
  return out;
}

absl::Status CaaPolls::ForgetPolledBefore(absl::Time before) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  const int64_t end = ClampedMillis(before);
  if (end <= 0) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  batch.DeleteRange(db_->handle(Family::kCaaPolled), BigEndian64(0),
                    BigEndian64(static_cast<uint64_t>(end)));
  return db_->Write(&batch, /*sync=*/false, "forget CAA polls");
}

absl::Status CaaPolls::RecordPass(const CaaPollPass& pass) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), kCaaPollPassKey,
            BigEndian64(pass.fingerprint) +
                BigEndian64(static_cast<uint64_t>(ClampedMillis(pass.started_at))));
  return db_->Write(&batch, /*sync=*/false, "record CAA poll pass");
}

absl::StatusOr<std::optional<CaaPollPass>> CaaPolls::LastPass() {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(db_->Get(Family::kMeta, kCaaPollPassKey, &value, &found));
  if (!found) return std::nullopt;
  if (value.size() != 16) return absl::DataLossError("corrupt CAA poll pass record");
  CaaPollPass pass;
  pass.fingerprint = ReadBigEndian64(value);
  pass.started_at = absl::FromUnixMillis(
      static_cast<int64_t>(ReadBigEndian64(absl::string_view(value).substr(8))));
  return pass;
}

}  // namespace caawatch::store
