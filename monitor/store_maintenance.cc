#include "monitor/store_maintenance.h"

#include "base/status_macros.h"
#include "store/database.h"

namespace caawatch::monitor {
namespace {

// Heads per pruning step: one write batch of at most this many deletes.
constexpr size_t kCompactStep = 20000;

absl::StatusOr<int64_t> LedgerRecords(store::Store* store) {
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::CaaPolled> all,
                            store->caa_polls().PolledSince(absl::InfinitePast()));
  return static_cast<int64_t>(all.size());
}

}  // namespace

absl::StatusOr<store::StoreStats> CollectStoreStats(store::Store* store) {
  return store::CollectStoreStats(store->database());
}

absl::StatusOr<CompactReport> CompactStore(store::Store* store, const store::RetentionRule& rule,
                                           absl::Duration caa_poll_interval,
                                           absl::Duration caa_raw_answer_retention,
                                           absl::Time now) {
  store::Database& db = store->database();
  CompactReport report;
  CAAWATCH_ASSIGN_OR_RETURN(report.bytes_before, store::DirectoryBytes(db.dir()));
  store::TreeHeadPruner pruner(&db, rule);
  CAAWATCH_RETURN_IF_ERROR(pruner.RunPass(now, kCompactStep));
  report.heads = pruner.counts();
  store::RawAnswerPruner answers(&db, caa_raw_answer_retention);
  CAAWATCH_RETURN_IF_ERROR(answers.RunPass(now, kCompactStep));
  report.raw_answers_dropped = answers.dropped();
  CAAWATCH_ASSIGN_OR_RETURN(report.ledger_records_before, LedgerRecords(store));
  CAAWATCH_RETURN_IF_ERROR(store->caa_polls().ForgetPolledBefore(now - caa_poll_interval));
  CAAWATCH_ASSIGN_OR_RETURN(report.ledger_records_after, LedgerRecords(store));
  for (int i = 0; i <= static_cast<int>(store::Family::kCaaPolled); ++i) {
    CAAWATCH_RETURN_IF_ERROR(db.CompactWhole(static_cast<store::Family>(i)));
  }
  CAAWATCH_RETURN_IF_ERROR(store::FromRocks(db.db()->FlushWAL(/*sync=*/true), "sync the WAL"));
  CAAWATCH_ASSIGN_OR_RETURN(report.bytes_after, store::DirectoryBytes(db.dir()));
  return report;
}

}  // namespace caawatch::monitor
