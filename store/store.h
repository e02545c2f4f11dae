// The caawatch store: one RocksDB database (layout and encoding: SCHEMA.md), read and written
// through one class per record kind, all sharing its handle. Thread-safe; every method of every
// kind may be called concurrently.
// Errors: kDataLoss for corruption, kFailedPrecondition for a newer schema or a read-only or
// full disk, kInvalidArgument for bad arguments, kUnavailable for a busy database (from Open:
// a store locked by another process).
#ifndef CAAWATCH_STORE_STORE_H_
#define CAAWATCH_STORE_STORE_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "store/caa_history.h"
#include "store/caa_polls.h"
#include "store/database.h"
#include "store/entry_proofs.h"
#include "store/findings.h"
#include "store/followed_zones.h"
#include "store/iodef_reports.h"
#include "store/logs.h"
#include "store/open_options.h"
#include "store/revocations.h"
#include "store/sink_cursors.h"
#include "store/watches.h"

namespace caawatch::store {

inline constexpr int kSchemaVersion = 4;

class Store {
 public:
  // Opens or creates the store in `dir` (a reader: kNotFound if there is none). Failures say
  // what they are (store/open_failure.h): kUnavailable only when another process holds the
  // store's lock; kDataLoss for a damaged store (corrupt tables, a damaged write-ahead log under
  // WalDamage::kFail, a missing CURRENT file); kFailedPrecondition if the schema is newer than
  // this build, or for a read-only file system, a permission denied, a full disk. A writer
  // migrates a store of an older schema version; a reader refuses it.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Store>> Open(const std::string& dir,
                                                                   OpenOptions options = {});

  Findings& findings() { return findings_; }
  Watches& watches() { return watches_; }
  CaaHistory& caa_history() { return caa_history_; }
  Logs& logs() { return logs_; }
  CaaPolls& caa_polls() { return caa_polls_; }
  SinkCursors& sink_cursors() { return sink_cursors_; }
  FollowedZones& followed_zones() { return followed_zones_; }
  IodefReports& iodef_reports() { return iodef_reports_; }
  Revocations& revocations() { return revocations_; }
  // The handle itself, for whole-store maintenance (store_stats.h, retention.h).
  Database& database() { return *db_; }
  EntryProofs& entry_proofs() { return entry_proofs_; }

 private:
  explicit Store(std::unique_ptr<Database> db);
  // Checks the schema version, migrates an older one (writers), records it in a new store.
  absl::Status LoadSchema();

  const std::unique_ptr<Database> db_;  // Declared first: the kinds below borrow it.
  Logs logs_;
  Findings findings_;
  Watches watches_;
  CaaHistory caa_history_;
  CaaPolls caa_polls_;
  SinkCursors sink_cursors_;
  FollowedZones followed_zones_;
  IodefReports iodef_reports_;
  Revocations revocations_;
  EntryProofs entry_proofs_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_STORE_H_
