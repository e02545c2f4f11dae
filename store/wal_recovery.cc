#include "store/wal_recovery.h"

#include <map>
#include <memory>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "store/seq_reservation.h"
#include "store/store.h"

namespace caawatch::store {
namespace {

// The state a view of the store holds: its next seq and every log's position.
struct View {
  uint64_t next_seq = 1;
  std::map<std::string, LogStateRecord> logs;  // By log id.
};

absl::StatusOr<View> ReadView(const std::string& dir, OpenOptions options) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, Store::Open(dir, options));
  View view;
  CAAWATCH_ASSIGN_OR_RETURN(const uint64_t last, store->findings().LastSeq());
  view.next_seq = last + 1;
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<LogStateRecord> logs, store->logs().ListStates());
  for (LogStateRecord& l : logs) view.logs[l.log_id()] = std::move(l);
  return view;
}

}  // namespace

absl::StatusOr<WalLoss> RecoverDamagedWal(const std::string& dir) {
  // First the records after the damage, skipped over (read-only: nothing is changed), then the
  // rollback itself. A later commit carries every log's latest position and the next seq, so
  // the newest intact record past the damage bounds what was lost.
  OpenOptions skip;
  skip.read_only = true;
  skip.on_wal_damage = WalDamage::kSkipDamagedRecords;
  absl::StatusOr<View> past = ReadView(dir, skip);
  OpenOptions keep;
  keep.on_wal_damage = WalDamage::kKeepIntactPrefix;
  CAAWATCH_ASSIGN_OR_RETURN(const View kept, ReadView(dir, keep));
  if (!past.ok()) past = kept;  // Unreadable past the damage: nothing more is known.
  // Kept outside the write-ahead log: what the damaged records handed out, even when none of
  // them can be read.
  const absl::StatusOr<uint64_t> high_water = ReadSeqHighWater(dir);
  WalLoss loss;
  loss.first_lost_seq = kept.next_seq;
  loss.end_lost_seq = std::max(kept.next_seq, past->next_seq);
  loss.no_high_water = !high_water.ok() || *high_water == 0;
  for (const auto& [id, after] : past->logs) {
    auto it = kept.logs.find(id);
    const uint64_t kept_position = it == kept.logs.end() ? 0 : it->second.position();
    if (after.position() <= kept_position) continue;
    // Names from the log list, quoted in a message: escaped and cut short.
    std::string name = after.description().empty() ? after.url() : after.description();
    loss.logs.push_back({absl::CHexEscape(name.substr(0, 80)), kept_position, after.position()});
  }
  loss.unknown = loss.end_lost_seq == loss.first_lost_seq && loss.logs.empty();
  if (high_water.ok()) loss.end_lost_seq = std::max(loss.end_lost_seq, *high_water);
  // Reopened the ordinary way: the rolled-back store must open without help now, and the seqs
  // of lost findings are never handed out again.
  OpenOptions raise;
  raise.min_next_seq = loss.end_lost_seq;
  CAAWATCH_RETURN_IF_ERROR(Store::Open(dir, raise).status());
  return loss;
}

std::string WalLoss::Describe() const {
  std::string out =
      "the store was rolled back to its last write before the damage in its write-ahead log";
  if (unknown) {
    absl::StrAppend(&out,
                    "; nothing past the damage could be read, so the log positions lost "
                    "are not known");
    if (end_lost_seq > first_lost_seq) {
      // The high-water mark says which seqs the lost writes handed out.
      absl::StrAppend(&out, "; lost: findings with seq ", first_lost_seq, " to ", end_lost_seq - 1,
                      " (handed out past the last intact write, by the seq high-water mark; "
                      "they may have been alerted: found again, they are alerted again from "
                      "seq ",
                      end_lost_seq, ")");
    } else if (no_high_water) {
      absl::StrAppend(&out, ", nor which findings (this store has no seq high-water mark)");
    } else {
      absl::StrAppend(&out,
                      "; no finding was lost (no seq was handed out past the last "
                      "intact write)");
    }
    absl::StrAppend(&out,
                    ". Every log is read again from its kept position, which restores the "
                    "findings that were lost");
    return out;
  }
  if (end_lost_seq > first_lost_seq) {
    absl::StrAppend(&out, "; lost: findings with seq ", first_lost_seq, " to ", end_lost_seq - 1,
                    " (they had been alerted; found again, they are alerted again from seq ",
                    end_lost_seq, ")");
  }
  std::vector<std::string> rewinds;
  for (const Rewind& r : logs) {
    rewinds.push_back(
        absl::StrCat("\"", r.log, "\" back from entry ", r.lost_position, " to ", r.kept_position));
  }
  if (!rewinds.empty()) {
    absl::StrAppend(&out, "; log positions: ", absl::StrJoin(rewinds, ", "));
  }
  absl::StrAppend(&out,
                  ". Reading those entries of the logs again restores the findings; a log first "
                  "read after the damage starts again where --start-at says");
  return out;
}

}  // namespace caawatch::store
