#include "store/retention.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/finding_refs.h"
#include "store/keys.h"
#include "store/records.pb.h"
#include "store/scan.h"

namespace caawatch::store {

absl::Status TreeHeadPruner::StartPass() {
  verified_size_.clear();
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kLogState, KeyRange::All(), {},
           [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<ScanStep> {
             CAAWATCH_ASSIGN_OR_RETURN(LogStateRecord s,
                                       ParseRecord<LogStateRecord>(value, "log state"));
             verified_size_[key] = s.verified_size();
             return ScanStep::kNext;
           }));
  cursor_.clear();
  current_log_.clear();
  intervals_seen_.clear();
  in_pass_ = true;
  return absl::OkStatus();
}

bool TreeHeadPruner::Keep(absl::string_view key, const TreeHeadRecord& head) {
  const absl::string_view log_id = key.substr(0, 32);
  if (log_id != current_log_) {
    current_log_ = std::string(log_id);
    intervals_seen_.clear();
  }
  // Keys sort by size within a log, so the first head met in an interval is its smallest.
  const int64_t interval_ms = absl::ToInt64Milliseconds(rule_.head_interval);
  const int64_t timestamp_ms = static_cast<int64_t>(head.timestamp_ms());
  const bool first_of_interval = intervals_seen_.insert(timestamp_ms / interval_ms).second;
  if (first_of_interval) return true;
  // Not yet audited against the verified tree (or never): an audit may still need it.
  if (head.audit() != "consistent") return true;
  const auto verified = verified_size_.find(log_id);
  // The latest verified head, and anything above it, which the tailer may act on next.
  if (verified == verified_size_.end() || head.tree_size() >= verified->second) return true;
  return false;  // Rule 1 is Step's: a recent head ends its log's scan before it gets here.
}

absl::StatusOr<bool> TreeHeadPruner::Step(absl::Time now, size_t max_heads) {
  if (rule_.head_interval < absl::Seconds(1)) {
    return absl::InvalidArgumentError("the tree-head history interval is below one second");
  }
  if (!in_pass_) CAAWATCH_RETURN_IF_ERROR(StartPass());
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
  rocksdb::WriteBatch batch;
  std::string last;
  size_t seen = 0;
  ScanOptions options;
  options.limit = max_heads;
  // A log's heads sort by size and a log's sizes grow with time, so its first head within
  // keep_all_heads_for starts what rule 1 keeps: the rest of the log is skipped (a head signed
  // earlier than a smaller one, which an honest log never publishes, stays with them). A pass
  // reads the heads older than the window, not the window (86,400 a log at one a second).
  std::optional<std::string> next_log;
  CAAWATCH_RETURN_IF_ERROR(Scan(
      *db_, Family::kTreeHeads, KeyRange{cursor_, ""}, options,
      [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<ScanStep> {
        ++seen;
        last = std::string(key);
        if (key.size() != 32 + 8 + 32) return ScanStep::kNext;  // Not ours to judge.
        CAAWATCH_ASSIGN_OR_RETURN(TreeHeadRecord head,
                                  ParseRecord<TreeHeadRecord>(value, "tree head"));
        if (absl::FromUnixMillis(static_cast<int64_t>(head.timestamp_ms())) >
            now - rule_.keep_all_heads_for) {
          next_log = KeyRange::Prefix(key.substr(0, 32)).upper;
          return ScanStep::kStop;
        }
        if (Keep(key, head)) return ScanStep::kNext;
        CAAWATCH_ASSIGN_OR_RETURN(const bool referenced, HeadReferenced(*db_, key));
        if (!referenced) {
          batch.Delete(db_->handle(Family::kTreeHeads), rocksdb::Slice(key.data(), key.size()));
          ++counts_.removed;
        }
        return ScanStep::kNext;
      }));
  counts_.examined += seen;
  if (batch.Count() > 0) {
    CAAWATCH_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/false, "prune tree heads"));
  }
  if (next_log.has_value() && !next_log->empty()) {
    cursor_ = *std::move(next_log);
    return false;
  }
  if (next_log.has_value() || seen < max_heads || max_heads == 0) {
    in_pass_ = false;
    return true;
  }
  cursor_ = KeyAfter(last);
  return false;
}

absl::Status TreeHeadPruner::RunPass(absl::Time now, size_t max_heads) {
  if (max_heads == 0) return absl::InvalidArgumentError("a pruning step of no heads");
  for (;;) {
    CAAWATCH_ASSIGN_OR_RETURN(const bool done, Step(now, max_heads));
    if (done) return absl::OkStatus();
  }
}

}  // namespace caawatch::store
