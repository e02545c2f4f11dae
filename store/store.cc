#include "store/store.h"

#include "absl/memory/memory.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/finding_refs.h"

namespace caawatch::store {
namespace {

constexpr char kSchemaKey[] = "schema_version";  // In meta.

}  // namespace

Store::Store(std::unique_ptr<Database> db)
    : db_(std::move(db)),
      logs_(db_.get()),
      findings_(db_.get(), &logs_),
      watches_(db_.get()),
      caa_history_(db_.get()),
      caa_polls_(db_.get()),
      sink_cursors_(db_.get()),
      followed_zones_(db_.get()),
      iodef_reports_(db_.get()),
      revocations_(db_.get()),
      entry_proofs_(db_.get()) {}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const std::string& dir, OpenOptions options) {
  CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<Database> db, Database::Open(dir, options));
  auto store = absl::WrapUnique(new Store(std::move(db)));
  CAAWATCH_RETURN_IF_ERROR(store->LoadSchema());
  CAAWATCH_RETURN_IF_ERROR(store->findings_.Load());
  if (!options.read_only) {
    CAAWATCH_RETURN_IF_ERROR(store->findings_.RaiseNextSeq(options.min_next_seq));
  }
  return store;
}

absl::Status Store::LoadSchema() {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(db_->Get(Family::kMeta, kSchemaKey, &value, &found));
  int version = kSchemaVersion;
  if (found) {
    if (!absl::SimpleAtoi(value, &version)) return absl::DataLossError("corrupt schema version");
    if (version > kSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("the store has schema version ", version, ", newer than this caawatch (",
                       kSchemaVersion, "): use a newer caawatch or another --data-dir"));
    }
  }
  if (version < kSchemaVersion) {
    if (db_->read_only()) {
      return absl::FailedPreconditionError(absl::StrCat("the store has schema version ", version,
                                                        "; `caawatch run` migrates it to version ",
                                                        kSchemaVersion, " on start"));
    }
    // Version 1 -> 2: the indexes and the new version land together, so an interrupted
    // migration is redone. Version 2 -> 3 adds the sink cursors (meta `sink/` keys): none
    // exists yet, so each sink starts where SinkCursors' caller says. Version 3 -> 4: the
    // findings' references (finding_refs.h), written in batches before the version, so an
    // interrupted build is redone; an older caawatch, which would write findings without
    // them, then refuses the store.
    if (version < 4) CAAWATCH_RETURN_IF_ERROR(BuildFindingRefs(*db_));
    rocksdb::WriteBatch batch;
    if (version < 2) CAAWATCH_RETURN_IF_ERROR(findings_.StageVersion2Indexes(&batch));
    batch.Put(db_->handle(Family::kMeta), kSchemaKey, std::to_string(kSchemaVersion));
    return db_->Write(&batch, /*sync=*/true,
                      absl::StrCat("migrate to schema version ", kSchemaVersion));
  }
  if (!db_->read_only() && !found) {
    rocksdb::WriteBatch batch;
    batch.Put(db_->handle(Family::kMeta), kSchemaKey, std::to_string(kSchemaVersion));
    return db_->Write(&batch, /*sync=*/true, "write schema");
  }
  return absl::OkStatus();
}

}  // namespace caawatch::store
