// The one RocksDB handle every record kind of the store shares (layout: SCHEMA.md): opened
// once, holding the store's lock, with one column family per record family. Mechanism only:
// the record kinds (findings.h, watches.h, ...) decide what goes where.
#ifndef CAAWATCH_STORE_DATABASE_H_
#define CAAWATCH_STORE_DATABASE_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "store/open_options.h"

namespace caawatch::store {

// The column families, in the order they were added (a store of schema version 1 has the
// first nine).
enum class Family {
  kMeta,
  kFindings,
  kBySeq,
  kByName,
  kByHash,
  kCerts,
  kLogState,
  kWatch,
  kCaaObs,
  kReeval,
  kByVerdict,
  kByTime,
  kTreeHeads,
  kCaaPolled,
};

// What the store holds in memory and open however large it grows: the SST files kept open (each
// with its index and filter blocks in memory; others are opened again when read) and the one
// block cache all families share.
inline constexpr int kMaxOpenTableFiles = 256;
inline constexpr size_t kBlockCacheBytes = 32 << 20;

// The one place RocksDB statuses become absl ones.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

// absl::Time as the milliseconds keys and records hold; the infinities map to the int64 ends.
int64_t ClampedMillis(absl::Time t);

// A stored record; kDataLoss naming `what` when it does not parse.
template <typename Record>
absl::StatusOr<Record> ParseRecord(absl::string_view bytes, absl::string_view what) {
  Record r;
  if (!r.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::DataLossError(absl::StrCat("corrupt ", what));
  }
  return r;
}

class Database {
 public:
  // Opens or creates the database in `dir` (see Store::Open for the errors).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<Database>> Open(const std::string& dir,
                                                                      const OpenOptions& options);
  ~Database();
  Database(const Database&) = delete;
  Database& operator=(const Database&) = delete;

  rocksdb::DB* db() const { return db_.get(); }
  // Null when a read-only open of a store written by an older caawatch lacks the family: it
  // reads as empty.
  rocksdb::ColumnFamilyHandle* handle(Family family) const {
    return handles_[static_cast<size_t>(family)];
  }
  bool read_only() const { return read_only_; }
  const std::string& dir() const { return dir_; }

  // OK when a write may go ahead: not read-only, and enough space free (OpenOptions).
  [[nodiscard]] absl::Status CheckWritable() const;
  // One key; *found false (and OK) when absent or the family is absent.
  [[nodiscard]] absl::Status Get(Family family, absl::string_view key, std::string* value,
                                 bool* found, const rocksdb::Snapshot* snapshot = nullptr) const;
  template <typename Record>
  [[nodiscard]] absl::StatusOr<std::optional<Record>> GetRecord(
      Family family, absl::string_view key, const rocksdb::Snapshot* snapshot = nullptr) const {
    std::string value;
    bool found = false;
    if (absl::Status s = Get(family, key, &value, &found, snapshot); !s.ok()) return s;
    if (!found) return std::optional<Record>();
    absl::StatusOr<Record> r = ParseRecord<Record>(value, FamilyName(family));
    if (!r.ok()) return r.status();
    return std::optional<Record>(*std::move(r));
  }
  // Compacts the whole of `family`, its last level rewritten too (so deleted keys' tombstones
  // and values are dropped and a level's small files merged). OK for an absent family.
  [[nodiscard]] absl::Status CompactWhole(Family family);
  // Applies `batch` atomically; with `sync`, durable (and so is every earlier write) on return.
  // Checks CheckWritable() first. After a write fails, every later one fails with that error
  // without reaching RocksDB: several loops write (tailers, proofs, revocations, retention),
  // and a write after a failed one (a full disk) must not meet RocksDB's error state.
  [[nodiscard]] absl::Status Write(rocksdb::WriteBatch* batch, bool sync, absl::string_view what);

  static const char* FamilyName(Family family);

 private:
  Database(std::unique_ptr<rocksdb::DB> db, std::vector<rocksdb::ColumnFamilyHandle*> handles,
           std::string dir, const OpenOptions& options);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // By Family.
  const bool read_only_;
  const std::string dir_;
  const uint64_t min_free_bytes_;
  absl::Mutex write_failure_mu_;
  absl::Status write_failure_ ABSL_GUARDED_BY(write_failure_mu_);
};

// A consistent view for reads that follow an index to the records it names: a finding moved
// to a new seq is seen at its old seq or its new one, never both or neither.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(const Database& db) : db_(db.db()), snapshot_(db_->GetSnapshot()) {}
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_DATABASE_H_
