#include "store/database.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iterator>
#include <set>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/slice_transform.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/table_properties_collectors.h"
#include "store/open_failure.h"
#include "store/rocksdb_error_log.h"

namespace caawatch::store {
namespace {

const char* const kFamilyNames[] = {"default",  // == rocksdb::kDefaultColumnFamilyName
                                    "findings",  "by_seq",     "by_name",   "by_hash", "certs",
                                    "log_state", "watch",      "caa_obs",   "reeval",  "by_verdict",
                                    "by_time",   "tree_heads", "caa_polled"};
constexpr size_t kFamilyCount = sizeof(kFamilyNames) / sizeof(kFamilyNames[0]);
// What a reader needs: every family of schema version 1. Later ones may be missing from a store
// no writer has opened since (the schema check then refuses, or they read as empty).
constexpr size_t kVersion1Families = 9;

// caa_obs keys are query name + 0x00 + BE64(first_seen_ms); their prefix is the name with its
// 0x00, so a prefix Bloom filter answers "has this name any observation" without a seek
// (CaaHistory::RecordAll: in a fresh poll nearly every name has none). The name is written into
// every SST and must never change. SSTs written before it existed (or under another name) carry
// no prefix filter, and RocksDB then seeks them as before; older caawatch versions ignore it.
class QueryNamePrefix final : public rocksdb::SliceTransform {
 public:
  const char* Name() const override { return "caawatch.caa_obs.QueryName.v1"; }
  rocksdb::Slice Transform(const rocksdb::Slice& key) const override {
    return rocksdb::Slice(key.data(), Terminator(key) + 1);
  }
  bool InDomain(const rocksdb::Slice& key) const override { return Terminator(key) < key.size(); }

 private:
  static size_t Terminator(const rocksdb::Slice& key) {
    const void* zero = std::memchr(key.data(), '\0', key.size());
    return zero == nullptr ? key.size() : static_cast<const char*>(zero) - key.data();
  }
};

rocksdb::WALRecoveryMode RecoveryMode(WalDamage on_damage) {
  switch (on_damage) {
    case WalDamage::kFail:
      // A record cut short at the end of a log is a crash during a write, never reported
      // as written; anything else damaged fails the open (RocksDB's default, point-in-time,
      // would drop everything after it without a word).
      return rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
    case WalDamage::kKeepIntactPrefix:
      return rocksdb::WALRecoveryMode::kPointInTimeRecovery;
    case WalDamage::kSkipDamagedRecords:
      return rocksdb::WALRecoveryMode::kSkipAnyCorruptedRecords;
  }
  return rocksdb::WALRecoveryMode::kTolerateCorruptedTailRecords;
}

// Whether the store opens, read-only, when RocksDB keeps what precedes a damaged WAL record.
bool IntactPrefixOpens(rocksdb::DBOptions db_options, const std::string& dir,
                       const std::vector<rocksdb::ColumnFamilyDescriptor>& families) {
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  std::vector<std::string> existing;  // A writer asks for families it would create.
  if (!rocksdb::DB::ListColumnFamilies(db_options, dir, &existing).ok()) return false;
  std::vector<rocksdb::ColumnFamilyDescriptor> present;
  for (const rocksdb::ColumnFamilyDescriptor& f : families) {
    if (std::find(existing.begin(), existing.end(), f.name) != existing.end()) present.push_back(f);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::OpenForReadOnly(db_options, dir, present, &opened, &raw).ok()) return false;
  std::unique_ptr<rocksdb::DB> db(raw);
  for (rocksdb::ColumnFamilyHandle* h : opened) {
    const rocksdb::Status ignored = db->DestroyColumnFamilyHandle(h);
    (void)ignored;  // A probe: closing it has nothing to report.
  }
  return true;
}

}  // namespace

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  const std::string msg = absl::StrCat(what, ": ", s.ToString());
  if (s.IsNotFound()) return absl::NotFoundError(msg);
  if (s.IsCorruption()) return absl::DataLossError(msg);
  if (s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) return absl::UnavailableError(msg);
  // Full disk, read-only directory, a store locked by another process: fixed by the operator.
  if (s.IsIOError() || s.IsNoSpace() || s.IsInvalidArgument()) {
    return absl::FailedPreconditionError(msg);
  }
  return absl::InternalError(msg);
}

int64_t ClampedMillis(absl::Time t) {
  if (t == absl::InfinitePast()) return INT64_MIN;
  if (t == absl::InfiniteFuture()) return INT64_MAX;
  return absl::ToUnixMillis(t);
}

absl::Status Database::CompactWhole(Family family) {
  rocksdb::ColumnFamilyHandle* h = handle(family);
  if (h == nullptr) return absl::OkStatus();
  rocksdb::CompactRangeOptions options;
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  return FromRocks(db_->CompactRange(options, h, nullptr, nullptr),
                   absl::StrCat("compact ", FamilyName(family)));
}

const char* Database::FamilyName(Family family) {
  return kFamilyNames[static_cast<size_t>(family)];
}

Database::Database(std::unique_ptr<rocksdb::DB> db,
                   std::vector<rocksdb::ColumnFamilyHandle*> handles, std::string dir,
                   const OpenOptions& options)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      read_only_(options.read_only),
      dir_(std::move(dir)),
      min_free_bytes_(options.min_free_bytes) {}

Database::~Database() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (h == nullptr) continue;
    const rocksdb::Status ignored = db_->DestroyColumnFamilyHandle(h);
    (void)ignored;  // Closing: nothing left to report to.
  }
}

absl::Status Database::CheckWritable() const {
  if (read_only_) return absl::FailedPreconditionError("store opened read-only");
  struct statvfs fs;
  if (statvfs(dir_.c_str(), &fs) != 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("cannot check free space of ", dir_, ": ", strerror(errno)));
  }
  const uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
  if (free_bytes < min_free_bytes_) {
    return absl::FailedPreconditionError(
        absl::StrCat("no space left for the store: ", free_bytes >> 20, " MiB free on ", dir_,
                     ", and caawatch keeps at least ", min_free_bytes_ >> 20,
                     " MiB free; free some space and restart"));
  }
  return absl::OkStatus();
}

absl::Status Database::Get(Family family, absl::string_view key, std::string* value, bool* found,
                           const rocksdb::Snapshot* snapshot) const {
  *found = false;
  if (handle(family) == nullptr) return absl::OkStatus();  // Absent family: empty.
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  const rocksdb::Status s =
      db_->Get(read, handle(family), rocksdb::Slice(key.data(), key.size()), value);
  *found = s.ok();
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, FamilyName(family));
}

absl::Status Database::Write(rocksdb::WriteBatch* batch, bool sync, absl::string_view what) {
  {
    absl::MutexLock lock(&write_failure_mu_);
    if (!write_failure_.ok()) return write_failure_;
  }
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  rocksdb::WriteOptions w;
  w.sync = sync;
  absl::Status status = FromRocks(db_->Write(w, batch), what);
  if (!status.ok()) {
    absl::MutexLock lock(&write_failure_mu_);
    if (write_failure_.ok()) {
      write_failure_ = absl::Status(
          status.code(),
          absl::StrCat(status.message(), " (no further write is tried until a restart)"));
    }
  }
  return status;
}

absl::StatusOr<std::unique_ptr<Database>> Database::Open(const std::string& dir,
                                                         const OpenOptions& options) {
  CAAWATCH_RETURN_IF_ERROR(CheckStoreFiles(dir, options.read_only));
  rocksdb::DBOptions db_options;
  db_options.wal_recovery_mode = RecoveryMode(options.on_wal_damage);
  db_options.create_if_missing = !options.read_only;
  db_options.create_missing_column_families = !options.read_only;
  db_options.keep_log_file_num = 4;
  // RocksDB's own log: fatal errors on stderr, no LOG file on the store's disk.
  db_options.info_log = std::make_shared<RocksDbErrorLog>();
  db_options.max_manifest_file_size = 64 << 20;
  // RocksDB keeps every SST file open by default, and their number grows with the store (the
  // soak saw 6 to 50 in four minutes, each with its index and filter in memory): a bounded table
  // cache keeps the open files and that memory fixed while the store grows for years.
  db_options.max_open_files = kMaxOpenTableFiles;
  // One bound on the memtables of every family together (RocksDB's default is 64 MiB per
  // family, two of them while one flushes): a CAA poll of a million names writes ~200 MiB of
  // observations, which would otherwise sit in memory up to 128 MiB at a time.
  db_options.db_write_buffer_size = 32 << 20;
  // Every family flushes together: a family flushed alone would hold writes that come after a
  // point where the write-ahead log may later be found damaged, and a point-in-time recovery
  // then refuses the store ("SST file is ahead of WALs") instead of keeping what came before
  // the damage and reading the logs again (issue 15).
  db_options.atomic_flush = true;
  // A reader cannot create column families: those added after schema version 1 may be missing
  // from a store no writer has opened since; they then read as empty (or the schema check
  // refuses). A missing version-1 family (a store whose creation was cut short) fails the open.
  std::set<std::string> present(std::begin(kFamilyNames), std::end(kFamilyNames));
  if (options.read_only) {
    std::vector<std::string> existing;
    if (rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, dir, &existing);
        !listed.ok()) {
      return DescribeOpenFailure(dir, listed, /*read_only=*/true, /*wal_only=*/false);
    }
    for (size_t i = 0; i < kFamilyCount; ++i) {
      if (std::find(existing.begin(), existing.end(), kFamilyNames[i]) != existing.end()) continue;
      if (i < kVersion1Families) {
        return absl::FailedPreconditionError(
            absl::StrCat("the store in ", dir,
                         " is not fully created yet (a first `caawatch run` was interrupted?); "
                         "`caawatch run` completes it"));
      }
      present.erase(kFamilyNames[i]);
    }
  }
  // Point lookups (OptimizeForPointLookup's table options) with one block cache for every
  // family: that call gives each family a cache of its own, fourteen of them, up to 112 MiB that
  // fill over days of reads.
  rocksdb::BlockBasedTableOptions table;
  table.data_block_index_type = rocksdb::BlockBasedTableOptions::kDataBlockBinaryAndHash;
  table.data_block_hash_table_util_ratio = 0.75;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  table.block_cache = rocksdb::NewLRUCache(kBlockCacheBytes);
  const std::shared_ptr<rocksdb::TableFactory> tables(rocksdb::NewBlockBasedTableFactory(table));
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : kFamilyNames) {
    if (!present.count(name)) continue;
    rocksdb::ColumnFamilyOptions cf;
    cf.table_factory = tables;
    cf.memtable_whole_key_filtering = true;
    // The memtables' arenas grow in blocks of write_buffer_size / 8 (8 MiB) by default, and the
    // write buffer bound above counts whole blocks: a run that touched four families would hit
    // it with a few KiB written and flush one family alone, early and small (which also puts
    // that family's SST ahead of a write-ahead log that still holds the others' writes).
    cf.arena_block_size = 256 << 10;
    // OptimizeForPointLookup gives a memtable a Bloom filter of 2% of write_buffer_size
    // (64 MiB): 1.3 MiB allocated from the arena of every family touched, which the bound above
    // counts; fourteen families filled it with a few KiB of data, and a run flushed tiny SSTs of
    // every family again and again (and a catch-up's writes left the write-ahead log early).
    // A tenth of that is still a filter of a million bits per memtable.
    cf.memtable_prefix_bloom_size_ratio = 0.002;
    // The retention passes delete tree heads by the hundred thousand (and the poller its old
    // ledger records): a file with that many tombstones is compacted at once, so the deleted
    // heads' space comes back while the family's size stays flat, instead of waiting for the
    // size-triggered compactions of levels that hardly grow (the soak: 480 to 607 MiB on disk
    // over 7 simulated hours with the number of heads flat).
    if (absl::string_view(name) == "tree_heads" || absl::string_view(name) == "caa_polled") {
      cf.table_properties_collector_factories.push_back(
          rocksdb::NewCompactOnDeletionCollectorFactory(/*sliding_window_size=*/1024,
                                                        /*deletion_trigger=*/512,
                                                        /*deletion_ratio=*/0.5));
    }
    // Every caa_obs read stays within one name (a seek to the name's prefix), as prefix
    // seek mode requires; a scan across names would need ReadOptions::total_order_seek.
    if (absl::string_view(name) == "caa_obs") {
      cf.prefix_extractor = std::make_shared<QueryNamePrefix>();
    }
    families.emplace_back(name, cf);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  rocksdb::DB* raw = nullptr;  // RocksDB 7.8 (Debian 12) only has the DB** overload.
  rocksdb::Status s;
  // A reader can race the running writer's compaction: the manifest it read names a file the
  // writer has just deleted. A fresh read of the manifest does not, unless the writer is in a
  // burst of compactions (a retention pass, a small-file merge): 5 tries 50 ms apart lost 6
  // samples in 81 during the soak, so the tries back off to half a second, ~4 s in all.
  absl::Duration retry_wait = absl::Milliseconds(50);
  for (int attempt = 0;; ++attempt) {
    s = options.read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir, families, &opened, &raw)
                          : rocksdb::DB::Open(db_options, dir, families, &opened, &raw);
    const bool raced = options.read_only && (s.IsCorruption() || s.IsIOError()) &&
                       absl::StrContains(s.ToString(), "No such file");
    if (!raced || attempt == 11) break;
    absl::SleepFor(retry_wait);
    retry_wait = std::min(retry_wait * 2, absl::Milliseconds(500));
  }
  if (!s.ok()) {
    // Damage that a point-in-time recovery gets past is confined to the write-ahead log.
    const bool wal_only = s.IsCorruption() && options.on_wal_damage == WalDamage::kFail &&
                          IntactPrefixOpens(db_options, dir, families);
    return DescribeOpenFailure(dir, s, options.read_only, wal_only);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles(kFamilyCount, nullptr);
  for (size_t i = 0, j = 0; i < kFamilyCount; ++i) {
    if (present.count(kFamilyNames[i])) handles[i] = opened[j++];
  }
  auto database = absl::WrapUnique(
      new Database(std::unique_ptr<rocksdb::DB>(raw), std::move(handles), dir, options));
  if (!options.read_only) CAAWATCH_RETURN_IF_ERROR(database->CheckWritable());
  return database;
}

}  // namespace caawatch::store
