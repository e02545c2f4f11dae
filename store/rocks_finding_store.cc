#include "store/rocks_finding_store.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <numeric>
#include <set>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "rocksdb/slice_transform.h"
#include "store/keys.h"
#include "store/open_failure.h"
#include "store/verdict.h"

namespace caawatch::store {
namespace {

const char* const kFamilyNames[] = {"default",  // == rocksdb::kDefaultColumnFamilyName
                                    "findings",  "by_seq",     "by_name",   "by_hash", "certs",
                                    "log_state", "watch",      "caa_obs",   "reeval",  "by_verdict",
                                    "by_time",   "tree_heads", "caa_polled"};
constexpr size_t kFamilyCount = sizeof(kFamilyNames) / sizeof(kFamilyNames[0]);
// What a reader needs: every family of schema version 1. Later ones may be missing from a store
// no writer has opened since (LoadSchema then refuses, or they read as empty).
constexpr size_t kVersion1Families = 9;
constexpr char kSchemaKey[] = "schema_version";
constexpr char kNextSeqKey[] = "next_seq";
constexpr char kCaaPollPassKey[] = "caa_poll_pass";

// caa_obs keys are query name + 0x00 + BE64(first_seen_ms); their prefix is the name with its
// 0x00, so a prefix Bloom filter answers "has this name any observation" without a seek
// (RecordCaaObservations: in a fresh poll nearly every name has none). The name is written into
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

int64_t Ms(absl::Time t) {
  if (t == absl::InfinitePast()) return INT64_MIN;
  if (t == absl::InfiniteFuture()) return INT64_MAX;
  return absl::ToUnixMillis(t);
}

template <typename Record>
absl::StatusOr<Record> Parse(const std::string& bytes, absl::string_view what) {
  Record r;
  if (!r.ParseFromString(bytes)) return absl::DataLossError(absl::StrCat("corrupt ", what));
  return r;
}

bool SameAnswer(const CaaObservationRecord& a, const CaaObservationRecord& b) {
  if (a.outcome() != b.outcome() || a.rcode() != b.rcode() || a.dnssec() != b.dnssec() ||
      a.ttl() != b.ttl() || a.records_size() != b.records_size() ||
      a.cname_chain_size() != b.cname_chain_size()) {
    return false;
  }
  for (int i = 0; i < a.records_size(); ++i) {
    if (!google::protobuf::util::MessageDifferencer::Equals(a.records(i), b.records(i)))
      return false;
  }
  for (int i = 0; i < a.cname_chain_size(); ++i) {
    if (a.cname_chain(i) != b.cname_chain(i)) return false;
  }
  return true;
}

// Unites `incoming` into `existing`: entries by (log_id, index), hashes filled where empty.
// Returns whether anything changed.
bool Merge(const FindingRecord& incoming, FindingRecord* existing) {
  bool changed = false;
  std::set<std::pair<std::string, uint64_t>> have;
  for (const EntryRef& e : existing->entries()) have.emplace(e.log_id(), e.index());
  for (const EntryRef& e : incoming.entries()) {
    if (have.emplace(e.log_id(), e.index()).second) {
      *existing->add_entries() = e;
      changed = true;
    }
  }
  if (existing->cert_sha256().empty() && !incoming.cert_sha256().empty()) {
    existing->set_cert_sha256(incoming.cert_sha256());
    changed = true;
  }
  if (existing->precert_sha256().empty() && !incoming.precert_sha256().empty()) {
    existing->set_precert_sha256(incoming.precert_sha256());
    changed = true;
  }
  return changed;
}

// A consistent view for reads that follow an index to the records it names: a finding moved
// to a new seq by UpdateFindings is seen at its old seq or its new one, never both or neither.
class ScopedSnapshot {
 public:
  explicit ScopedSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~ScopedSnapshot() { db_->ReleaseSnapshot(snapshot_); }
  ScopedSnapshot(const ScopedSnapshot&) = delete;
  ScopedSnapshot& operator=(const ScopedSnapshot&) = delete;
  const rocksdb::Snapshot* get() const { return snapshot_; }
  rocksdb::ReadOptions read_options() const {
    rocksdb::ReadOptions r;
    r.snapshot = snapshot_;
    return r;
  }

 private:
  rocksdb::DB* db_;
  const rocksdb::Snapshot* snapshot_;
};

// Moves the current evaluation of `stored` into its history and installs `update`'s.
void Supersede(const FindingUpdate& update, FindingRecord* stored) {
  FindingRevisionRecord* old = stored->add_history();
  old->set_seq(stored->seq());
  old->set_verdict(stored->verdict());
  old->set_severity(stored->severity());
  old->set_reason(stored->reason());
  *old->mutable_caa() = stored->caa();
  *old->mutable_issuer() = stored->issuer();
  *old->mutable_unexpected_issuer_for() = stored->unexpected_issuer_for();
  old->set_evaluated_ms(stored->evaluated_ms() != 0 ? stored->evaluated_ms()
                                                    : stored->recorded_ms());
  old->set_superseded_ms(update.finding.evaluated_ms());
  old->set_superseded_because(update.because);
  const FindingRecord& n = update.finding;
  stored->set_verdict(n.verdict());
  stored->set_severity(n.severity());
  stored->set_reason(n.reason());
  *stored->mutable_caa() = n.caa();
  *stored->mutable_issuer() = n.issuer();
  *stored->mutable_unexpected_issuer_for() = n.unexpected_issuer_for();
  stored->set_evaluated_ms(n.evaluated_ms());
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

RocksFindingStore::RocksFindingStore(std::unique_ptr<rocksdb::DB> db,
                                     std::vector<rocksdb::ColumnFamilyHandle*> handles,
                                     std::string dir, const OpenOptions& options)
    : db_(std::move(db)),
      handles_(std::move(handles)),
      read_only_(options.read_only),
      dir_(std::move(dir)),
      min_free_bytes_(options.min_free_bytes) {}

absl::Status RocksFindingStore::CheckWritable() const {
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

RocksFindingStore::~RocksFindingStore() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (h == nullptr) continue;
    const rocksdb::Status ignored = db_->DestroyColumnFamilyHandle(h);
    (void)ignored;  // Closing: nothing left to report to.
  }
}

absl::StatusOr<std::unique_ptr<FindingStore>> RocksFindingStore::Open(const std::string& dir,
                                                                      OpenOptions options) {
  CAAWATCH_RETURN_IF_ERROR(CheckStoreFiles(dir, options.read_only));
  rocksdb::DBOptions db_options;
  db_options.wal_recovery_mode = RecoveryMode(options.on_wal_damage);
  db_options.create_if_missing = !options.read_only;
  db_options.create_missing_column_families = !options.read_only;
  db_options.keep_log_file_num = 4;
  db_options.max_manifest_file_size = 64 << 20;
  // One bound on the memtables of every family together (RocksDB's default is 64 MiB per
  // family, two of them while one flushes): a CAA poll of a million names writes ~200 MiB of
  // observations, which would otherwise sit in memory up to 128 MiB at a time.
  db_options.db_write_buffer_size = 32 << 20;
  // A reader cannot create column families: those added after schema version 1 may be missing
  // from a store no writer has opened since; they then read as empty (or LoadSchema refuses).
  // A missing version-1 family (a store whose creation was cut short) fails the open.
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
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  for (const char* name : kFamilyNames) {
    if (!present.count(name)) continue;
    rocksdb::ColumnFamilyOptions cf;
    cf.OptimizeForPointLookup(8);
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
  for (int attempt = 0;; ++attempt) {
    s = options.read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir, families, &opened, &raw)
                          : rocksdb::DB::Open(db_options, dir, families, &opened, &raw);
    // A reader can race the running writer's compaction: the manifest it read names a file
    // the writer has just deleted. A fresh read of the manifest does not.
    const bool raced = options.read_only && (s.IsCorruption() || s.IsIOError()) &&
                       absl::StrContains(s.ToString(), "No such file");
    if (!raced || attempt == 4) break;
    absl::SleepFor(absl::Milliseconds(50));
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
  auto store = absl::WrapUnique(
      new RocksFindingStore(std::unique_ptr<rocksdb::DB>(raw), std::move(handles), dir, options));
  if (!options.read_only) CAAWATCH_RETURN_IF_ERROR(store->CheckWritable());
  CAAWATCH_RETURN_IF_ERROR(store->LoadSchema());
  if (!options.read_only) CAAWATCH_RETURN_IF_ERROR(store->RaiseNextSeq(options.min_next_seq));
  return std::unique_ptr<FindingStore>(std::move(store));
}

absl::Status RocksFindingStore::LoadSchema() {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(Get(kMeta, kSchemaKey, &value, &found));
  const bool created = !found;
  int version = kSchemaVersion;
  if (found) {
    if (!absl::SimpleAtoi(value, &version)) return absl::DataLossError("corrupt schema version");
    if (version > kSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("the store has schema version ", version, ", newer than this caawatch (",
                       kSchemaVersion, "): use a newer caawatch or another --data-dir"));
    }
  }
  CAAWATCH_RETURN_IF_ERROR(Get(kMeta, kNextSeqKey, &value, &found));
  {
    absl::MutexLock lock(&commit_mu_);
    next_seq_ = found && value.size() == 8 ? ReadBigEndian64(value) : 1;
  }
  if (version < kSchemaVersion) {
    if (read_only_) {
      return absl::FailedPreconditionError(absl::StrCat("the store has schema version ", version,
                                                        "; `caawatch run` migrates it to version ",
                                                        kSchemaVersion, " on start"));
    }
    CAAWATCH_RETURN_IF_ERROR(MigrateFromVersion1());
  }
  if (!read_only_ && created) {
    rocksdb::WriteOptions w;
    w.sync = true;
    CAAWATCH_RETURN_IF_ERROR(FromRocks(
        db_->Put(w, handles_[kMeta], kSchemaKey, std::to_string(kSchemaVersion)), "write schema"));
  }
  if (handles_[kByTime] == nullptr) return absl::OkStatus();  // A reader of an older store.
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kByTime]));
  it->SeekToLast();
  absl::MutexLock lock(&commit_mu_);
  if (it->Valid() && it->key().size() == 16) {
    last_recorded_ms_ = static_cast<int64_t>(ReadBigEndian64(it->key().ToString()));
  }
  return FromRocks(it->status(), "read by_time");
}

absl::Status RocksFindingStore::RaiseNextSeq(uint64_t min_next_seq) {
  absl::MutexLock lock(&commit_mu_);
  if (next_seq_ >= min_next_seq) return absl::OkStatus();
  rocksdb::WriteOptions w;
  w.sync = true;
  CAAWATCH_RETURN_IF_ERROR(FromRocks(
      db_->Put(w, handles_[kMeta], kNextSeqKey, BigEndian64(min_next_seq)), "raise next seq"));
  next_seq_ = min_next_seq;
  return absl::OkStatus();
}

absl::Status RocksFindingStore::MigrateFromVersion1() {
  rocksdb::WriteBatch batch;
  int64_t recorded_ms = 0;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kBySeq]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(it->value().ToString()));
    if (!f) return absl::DataLossError("by_seq points to a missing finding");
    recorded_ms = std::max(recorded_ms, f->recorded_ms());
    batch.Put(handles_[kByVerdict], VerdictKey(f->verdict(), f->seq()), "");
    batch.Put(handles_[kByTime], TimeKey(recorded_ms, f->seq()), "");
    PutReevalKeys(*f, it->value().ToString(), &batch);
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "migrate: scan findings"));
  // The indexes and the new version land together: an interrupted migration is redone.
  batch.Put(handles_[kMeta], kSchemaKey, std::to_string(kSchemaVersion));
  rocksdb::WriteOptions w;
  w.sync = true;
  return FromRocks(db_->Write(w, &batch), "migrate to schema version 2");
}

absl::Status RocksFindingStore::Get(Family family, const std::string& key, std::string* value,
                                    bool* found) {
  *found = false;
  if (handles_[family] == nullptr) return absl::OkStatus();  // Absent family: empty.
  const rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), handles_[family], key, value);
  *found = s.ok();
  if (s.IsNotFound()) return absl::OkStatus();
  return FromRocks(s, kFamilyNames[family]);
}

template <typename Record>
absl::StatusOr<std::optional<Record>> RocksFindingStore::GetRecord(Family family,
                                                                   const std::string& key) {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(Get(family, key, &value, &found));
  if (!found) return std::optional<Record>();
  CAAWATCH_ASSIGN_OR_RETURN(Record r, Parse<Record>(value, kFamilyNames[family]));
  return std::optional<Record>(std::move(r));
}

absl::StatusOr<std::optional<FindingRecord>> RocksFindingStore::FindingAt(
    const std::string& finding_key, const rocksdb::Snapshot* snapshot) {
  if (snapshot == nullptr) return GetRecord<FindingRecord>(kFindings, finding_key);
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::string value;
  const rocksdb::Status s = db_->Get(read, handles_[kFindings], finding_key, &value);
  if (s.IsNotFound()) return std::optional<FindingRecord>();
  CAAWATCH_RETURN_IF_ERROR(FromRocks(s, "findings"));
  CAAWATCH_ASSIGN_OR_RETURN(FindingRecord f, Parse<FindingRecord>(value, "findings"));
  return std::optional<FindingRecord>(std::move(f));
}

void RocksFindingStore::PutReevalKeys(const FindingRecord& f, const std::string& key,
                                      rocksdb::WriteBatch* batch) {
  // Only certificate findings are judged on CAA, so only they are judged again.
  if (f.kind() == "log_misbehaviour" || f.kind() == "malformed_cert") return;
  batch->Put(handles_[kReeval], IssuedKey(IssuedMs(f), key), key);
  if (f.verdict() == VerdictName(Verdict::kUnknownIssuer)) {
    batch->Put(handles_[kReeval], UnknownIssuerKey(f, key), key);
  }
}

absl::StatusOr<CommitResult> RocksFindingStore::Commit(CommitRequest request) {
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  absl::MutexLock lock(&commit_mu_);
  rocksdb::WriteBatch batch;
  CommitResult result;
  uint64_t next = next_seq_;
  int64_t recorded_ms = last_recorded_ms_;
  std::map<std::string, FindingRecord> pending;  // Findings written by this batch, by key.
  for (FindingRecord& f : request.findings) {
    const std::string key = FindingKey(f);
    std::optional<FindingRecord> existing;
    if (auto it = pending.find(key); it != pending.end()) {
      existing = it->second;
    } else {
      CAAWATCH_ASSIGN_OR_RETURN(existing, FindingAt(key));
    }
    if (existing) {
      const int64_t issued_before = IssuedMs(*existing);
      if (!Merge(f, &*existing)) continue;
      result.updated.push_back(*existing);
      f = *existing;
      // An earlier entry moves the window end; the stale index entry is filtered on read.
      if (IssuedMs(f) != issued_before) PutReevalKeys(f, key, &batch);
    } else {
      PutReevalKeys(f, key, &batch);
      f.set_seq(next++);
      // Time never runs backwards along seq, so a time range is a seq range (by_time).
      recorded_ms = std::max(recorded_ms, f.recorded_ms());
      f.set_recorded_ms(recorded_ms);
      batch.Put(handles_[kBySeq], BigEndian64(f.seq()), key);
      batch.Put(handles_[kByVerdict], VerdictKey(f.verdict(), f.seq()), "");
      batch.Put(handles_[kByTime], TimeKey(f.recorded_ms(), f.seq()), "");
      std::set<std::string> names(f.names().begin(), f.names().end());
      names.insert(f.watched_names().begin(), f.watched_names().end());
      for (const std::string& n : names) batch.Put(handles_[kByName], NameKey(n, f.seq()), "");
      result.created.push_back(f);
    }
    for (const std::string& h :
         {f.cert_sha256(), f.precert_sha256(), f.tbs_sha256(), f.leaf_hash()}) {
      if (!h.empty()) batch.Put(handles_[kByHash], h, key);
    }
    batch.Put(handles_[kFindings], key, f.SerializeAsString());
    pending[key] = f;
  }
  for (const auto& [sha, der] : request.certificates) batch.Put(handles_[kCerts], sha, der);
  if (request.log_state) {
    batch.Put(handles_[kLogState], request.log_state->log_id(),
              request.log_state->SerializeAsString());
  }
  batch.Put(handles_[kMeta], kNextSeqKey, BigEndian64(next));
  rocksdb::WriteOptions w;
  // A committed finding must survive power loss; a position may fall back (see CommitRequest).
  w.sync = request.sync || !result.created.empty() || !result.updated.empty() ||
           !request.certificates.empty();
  CAAWATCH_RETURN_IF_ERROR(FromRocks(db_->Write(w, &batch), "commit"));
  next_seq_ = next;  // Only now: a failed write burns no seq.
  last_recorded_ms_ = recorded_ms;
  return result;
}

absl::StatusOr<std::optional<LogStateRecord>> RocksFindingStore::LoadLogState(
    const std::string& log_id) {
  return GetRecord<LogStateRecord>(kLogState, log_id);
}

absl::StatusOr<std::vector<LogStateRecord>> RocksFindingStore::ListLogStates() {
  std::vector<LogStateRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kLogState]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    CAAWATCH_ASSIGN_OR_RETURN(LogStateRecord r,
                              Parse<LogStateRecord>(it->value().ToString(), "log state"));
    out.push_back(std::move(r));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan log states"));
  return out;
}

bool RocksFindingStore::Matches(const FindingRecord& f, const FindingQuery& q) {
  if (f.seq() <= q.after_seq) return false;
  if (!q.verdicts.empty() &&
      std::find(q.verdicts.begin(), q.verdicts.end(), f.verdict()) == q.verdicts.end()) {
    return false;
  }
  if (!q.severities.empty() &&
      std::find(q.severities.begin(), q.severities.end(), f.severity()) == q.severities.end()) {
    return false;
  }
  if (f.recorded_ms() < Ms(q.since) || f.recorded_ms() >= Ms(q.until)) return false;
  if (!q.log_id.empty() &&
      std::none_of(f.entries().begin(), f.entries().end(),
                   [&](const EntryRef& e) { return e.log_id() == q.log_id; })) {
    return false;
  }
  return true;
}

absl::StatusOr<uint64_t> RocksFindingStore::FirstSeqAtOrAfter(int64_t ms) {
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kByTime]));
  it->Seek(BigEndian64(static_cast<uint64_t>(std::max<int64_t>(ms, 0))));
  if (it->Valid() && it->key().size() == 16) {
    return ReadBigEndian64(absl::string_view(it->key().data() + 8, 8));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan by_time"));
  absl::MutexLock lock(&commit_mu_);
  return next_seq_;
}

absl::StatusOr<std::vector<uint64_t>> RocksFindingStore::SeqsWithVerdicts(
    const FindingQuery& q, uint64_t lo, uint64_t hi, const rocksdb::Snapshot* snapshot) {
  rocksdb::ReadOptions read;
  read.snapshot = snapshot;
  std::vector<uint64_t> seqs;
  for (const std::string& verdict : q.verdicts) {
    const std::string first = VerdictKey(verdict, lo);
    const std::string end = VerdictKey(verdict, hi);
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(read, handles_[kByVerdict]));
    size_t taken = 0;
    if (q.newest_first) {
      it->SeekForPrev(end);
      if (it->Valid() && it->key().compare(end) == 0) it->Prev();
    } else {
      it->Seek(first);
    }
    for (; it->Valid() && taken < q.limit; q.newest_first ? it->Prev() : it->Next()) {
      const rocksdb::Slice key = it->key();
      if (key.compare(first) < 0 || key.compare(end) >= 0) break;
      seqs.push_back(ReadBigEndian64(absl::string_view(key.data() + key.size() - 8, 8)));
      ++taken;
    }
    CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan by_verdict"));
  }
  if (q.newest_first) {
    std::sort(seqs.begin(), seqs.end(), std::greater<>());
  } else {
    std::sort(seqs.begin(), seqs.end());
  }
  return seqs;
}

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::ListFindings(const FindingQuery& q) {
  // The indexes narrow the seq range and, for verdicts, the candidates; Matches() still checks
  // every condition, so an index only ever saves work.
  uint64_t lo = q.after_seq + 1;
  uint64_t hi = UINT64_MAX;  // Exclusive.
  // Without the indexes (a reader of a store no writer has migrated), Matches() does it all.
  const bool indexed = handles_[kByTime] != nullptr && handles_[kByVerdict] != nullptr;
  if (indexed && q.since != absl::InfinitePast()) {
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t first, FirstSeqAtOrAfter(Ms(q.since)));
    lo = std::max(lo, first);
  }
  if (indexed && q.until != absl::InfiniteFuture()) {
    CAAWATCH_ASSIGN_OR_RETURN(hi, FirstSeqAtOrAfter(Ms(q.until)));
  }
  std::vector<FindingRecord> out;
  if (lo >= hi) return out;
  const ScopedSnapshot snapshot(db_.get());
  if (indexed && !q.verdicts.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(const std::vector<uint64_t> seqs,
                              SeqsWithVerdicts(q, lo, hi, snapshot.get()));
    for (uint64_t seq : seqs) {
      if (out.size() >= q.limit) break;
      std::string key;
      const rocksdb::Status got =
          db_->Get(snapshot.read_options(), handles_[kBySeq], BigEndian64(seq), &key);
      if (got.IsNotFound()) continue;  // Retired by a re-alert.
      CAAWATCH_RETURN_IF_ERROR(FromRocks(got, "by_seq"));
      CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(key, snapshot.get()));
      if (!f) return absl::DataLossError("by_seq points to a missing finding");
      if (f->seq() != seq) continue;
      if (Matches(*f, q)) out.push_back(std::move(*f));
    }
    return out;
  }
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(snapshot.read_options(), handles_[kBySeq]));
  if (q.newest_first) {
    it->SeekForPrev(BigEndian64(hi - 1));
  } else {
    it->Seek(BigEndian64(lo));
  }
  for (; it->Valid() && out.size() < q.limit; q.newest_first ? it->Prev() : it->Next()) {
    const uint64_t seq = ReadBigEndian64(it->key().ToString());
    if (seq < lo || seq >= hi) break;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f,
                              FindingAt(it->value().ToString(), snapshot.get()));
    if (!f) return absl::DataLossError("by_seq points to a missing finding");
    if (f->seq() != ReadBigEndian64(it->key().ToString())) continue;  // Retired seq.
    if (Matches(*f, q)) out.push_back(std::move(*f));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan findings"));
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::FindingsForName(
    const std::string& name, bool subtree, const FindingQuery& q) {
  const std::string prefix = ReversedName(name);
  std::set<uint64_t, std::greater<>> seqs;
  const ScopedSnapshot snapshot(db_.get());
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(snapshot.read_options(), handles_[kByName]));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const rocksdb::Slice key = it->key();
    const char next = key.size() > prefix.size() ? key[prefix.size()] : '\x01';
    // Exact: the name ends here (0x00); subtree: or a label boundary follows ('.').
    if (next != '\0' && !(subtree && next == '.')) continue;
    seqs.insert(ReadBigEndian64(absl::string_view(key.data() + key.size() - 8, 8)));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan names"));
  std::vector<FindingRecord> out;
  for (uint64_t seq : seqs) {
    if (out.size() >= q.limit) break;
    std::string key;
    const rocksdb::Status s =
        db_->Get(snapshot.read_options(), handles_[kBySeq], BigEndian64(seq), &key);
    if (s.IsNotFound()) continue;
    CAAWATCH_RETURN_IF_ERROR(FromRocks(s, "by_seq"));
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(key, snapshot.get()));
    if (f && f->seq() == seq && Matches(*f, q)) out.push_back(std::move(*f));
  }
  return out;
}

absl::StatusOr<std::optional<FindingRecord>> RocksFindingStore::FindByHash(
    const std::string& sha256) {
  std::string key;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(Get(kByHash, sha256, &key, &found));
  if (!found) return std::optional<FindingRecord>();
  return FindingAt(key);
}

absl::StatusOr<std::optional<std::string>> RocksFindingStore::GetCertificateDer(
    const std::string& sha256) {
  std::string der;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(Get(kCerts, sha256, &der, &found));
  return found ? std::optional<std::string>(std::move(der)) : std::nullopt;
}

absl::StatusOr<uint64_t> RocksFindingStore::LastSeq() {
  absl::MutexLock lock(&commit_mu_);
  return next_seq_ - 1;
}

absl::Status RocksFindingStore::PutWatch(const WatchRecord& entry) {
  if (entry.name().empty()) return absl::InvalidArgumentError("watch entry without a name");
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  rocksdb::WriteOptions w;
  w.sync = true;
  return FromRocks(db_->Put(w, handles_[kWatch], entry.name(), entry.SerializeAsString()),
                   "put watch");
}

absl::StatusOr<bool> RocksFindingStore::RemoveWatch(const std::string& name) {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(Get(kWatch, name, &value, &found));
  if (!found) return false;
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  rocksdb::WriteOptions w;
  w.sync = true;
  CAAWATCH_RETURN_IF_ERROR(FromRocks(db_->Delete(w, handles_[kWatch], name), "remove watch"));
  return true;
}

absl::StatusOr<std::vector<WatchRecord>> RocksFindingStore::ListWatch() {
  std::vector<WatchRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kWatch]));
  for (it->SeekToFirst(); it->Valid(); it->Next()) {
    CAAWATCH_ASSIGN_OR_RETURN(WatchRecord r, Parse<WatchRecord>(it->value().ToString(), "watch"));
    out.push_back(std::move(r));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan watchlist"));
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::UpdateFindings(
    std::vector<FindingUpdate> updates) {
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  absl::MutexLock lock(&commit_mu_);
  rocksdb::WriteBatch batch;
  uint64_t next = next_seq_;
  int64_t recorded_ms = last_recorded_ms_;
  std::map<std::string, FindingRecord> pending;  // Updated by this batch, by key.
  std::vector<std::string> order;
  for (const FindingUpdate& u : updates) {
    if (u.finding.tbs_sha256().empty()) continue;
    const std::string key = "c" + u.finding.tbs_sha256();
    std::optional<FindingRecord> stored;
    if (auto it = pending.find(key); it != pending.end()) {
      stored = it->second;
    } else {
      CAAWATCH_ASSIGN_OR_RETURN(stored, FindingAt(key));
    }
    if (!stored || stored->kind() == "log_misbehaviour" ||
        stored->history_size() != u.based_on_revision) {
      continue;
    }
    if (stored->verdict() == VerdictName(Verdict::kUnknownIssuer)) {
      batch.Delete(handles_[kReeval], UnknownIssuerKey(*stored, key));
    }
    batch.Delete(handles_[kByVerdict], VerdictKey(stored->verdict(), stored->seq()));
    Supersede(u, &*stored);
    if (u.alert == FindingUpdate::Alert::kNewSeq) {
      const uint64_t old_seq = stored->seq();
      if (stored->first_seq() == 0) stored->set_first_seq(old_seq);
      stored->set_seq(next++);
      // The re-alert is recorded now: by_time keeps time in seq order.
      batch.Delete(handles_[kByTime], TimeKey(stored->recorded_ms(), old_seq));
      recorded_ms = std::max(recorded_ms, u.finding.evaluated_ms());
      stored->set_recorded_ms(recorded_ms);
      batch.Put(handles_[kByTime], TimeKey(stored->recorded_ms(), stored->seq()), "");
      batch.Delete(handles_[kBySeq], BigEndian64(old_seq));
      batch.Put(handles_[kBySeq], BigEndian64(stored->seq()), key);
      std::set<std::string> names(stored->names().begin(), stored->names().end());
      names.insert(stored->watched_names().begin(), stored->watched_names().end());
      for (const std::string& n : names) {
        batch.Delete(handles_[kByName], NameKey(n, old_seq));
        batch.Put(handles_[kByName], NameKey(n, stored->seq()), "");
      }
    }
    if (stored->verdict() == VerdictName(Verdict::kUnknownIssuer)) {
      batch.Put(handles_[kReeval], UnknownIssuerKey(*stored, key), key);
    }
    batch.Put(handles_[kByVerdict], VerdictKey(stored->verdict(), stored->seq()), "");
    batch.Put(handles_[kFindings], key, stored->SerializeAsString());
    if (!pending.count(key)) order.push_back(key);
    pending[key] = *std::move(stored);
  }
  if (pending.empty()) return std::vector<FindingRecord>();
  batch.Put(handles_[kMeta], kNextSeqKey, BigEndian64(next));
  rocksdb::WriteOptions w;
  w.sync = true;
  CAAWATCH_RETURN_IF_ERROR(FromRocks(db_->Write(w, &batch), "update findings"));
  next_seq_ = next;
  last_recorded_ms_ = recorded_ms;
  std::vector<FindingRecord> out;
  for (const std::string& key : order) out.push_back(std::move(pending[key]));
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::FindingsByReevalRange(
    const std::string& from, const std::string& to, size_t limit) {
  std::vector<FindingRecord> out;
  if (handles_[kReeval] == nullptr) return out;  // A store no writer has upgraded yet.
  const ScopedSnapshot snapshot(db_.get());
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(snapshot.read_options(), handles_[kReeval]));
  std::set<std::string> seen;
  for (it->Seek(from); it->Valid() && it->key().compare(to) < 0 && out.size() < limit; it->Next()) {
    const std::string key = it->value().ToString();
    if (!seen.insert(key).second) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(key, snapshot.get()));
    if (f) out.push_back(*std::move(f));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan reeval"));
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::FindingsIssuedBetween(absl::Time from,
                                                                                    absl::Time to,
                                                                                    size_t limit) {
  const int64_t lo = std::max<int64_t>(Ms(from), 0);
  const int64_t hi = Ms(to);
  if (hi < lo) return std::vector<FindingRecord>();
  const std::string end = hi == INT64_MAX ? std::string("u") : IssuedKey(hi + 1, "");
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<FindingRecord> found,
                            FindingsByReevalRange(IssuedKey(lo, ""), end, limit));
  // Index entries left behind when an earlier entry moved a finding's window end.
  std::vector<FindingRecord> out;
  for (FindingRecord& f : found) {
    if (IssuedMs(f) >= lo && IssuedMs(f) <= hi) out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::UnknownIssuerFindings(size_t limit) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<FindingRecord> found,
                            FindingsByReevalRange("u", "v", limit));
  std::vector<FindingRecord> out;
  for (FindingRecord& f : found) {
    if (f.verdict() == VerdictName(Verdict::kUnknownIssuer)) out.push_back(std::move(f));
  }
  return out;
}

absl::StatusOr<RecordedObservation> RocksFindingStore::RecordCaaObservation(
    const CaaObservationRecord& observation, absl::Duration max_gap) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<RecordedObservation> recorded,
                            RecordCaaObservations({observation}, max_gap));
  return recorded.front();
}

absl::StatusOr<std::vector<RecordedObservation>> RocksFindingStore::RecordCaaObservations(
    const std::vector<CaaObservationRecord>& observations, absl::Duration max_gap) {
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  // Names in key order: one iterator then moves forward through the family (blocks it has just
  // read serve the next name), and a name twice in the batch, which would be planned against a
  // stale newest, sits next to itself.
  std::vector<size_t> order(observations.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return observations[a].query_name() < observations[b].query_name();
  });
  for (size_t i = 1; i < order.size(); ++i) {
    const std::string& name = observations[order[i]].query_name();
    if (name == observations[order[i - 1]].query_name()) {
      return absl::InvalidArgumentError(
          absl::StrCat("query name ", name, " twice in one batch of observations"));
    }
  }
  absl::MutexLock lock(&observation_mu_);
  rocksdb::WriteBatch batch;
  std::vector<RecordedObservation> out(observations.size());
  // Prefix seek mode (the family's QueryNamePrefix): a name without observations is answered
  // by the memtable's and the SSTs' prefix filters, and the seek stays within the name.
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kCaaObs]));
  for (size_t i : order) {
    const CaaObservationRecord& observation = observations[i];
    const std::string prefix = observation.query_name() + std::string(1, '\0');
    it->SeekForPrev(prefix + std::string(8, '\xff'));
    if (it->Valid() && it->key().starts_with(prefix)) {
      CAAWATCH_ASSIGN_OR_RETURN(CaaObservationRecord newest,
                                Parse<CaaObservationRecord>(it->value().ToString(), "observation"));
      const bool contiguous =
          observation.first_seen_ms() - newest.last_seen_ms() <= absl::ToInt64Milliseconds(max_gap);
      if (SameAnswer(newest, observation) && contiguous) {
        newest.set_last_seen_ms(std::max(newest.last_seen_ms(), observation.last_seen_ms()));
        CAAWATCH_RETURN_IF_ERROR(
            FromRocks(batch.Put(handles_[kCaaObs], it->key(), newest.SerializeAsString()),
                      "extend observation"));
        out[i].kind = RecordedObservation::Kind::kExtended;
        continue;
      }
      out[i].previous_last_seen_ms = newest.last_seen_ms();
    }
    CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan observations"));
    CAAWATCH_RETURN_IF_ERROR(
        FromRocks(batch.Put(handles_[kCaaObs],
                            ObservationKey(observation.query_name(), observation.first_seen_ms()),
                            observation.SerializeAsString()),
                  "record observation"));
  }
  rocksdb::WriteOptions w;
  w.sync = true;
  CAAWATCH_RETURN_IF_ERROR(FromRocks(db_->Write(w, &batch), "record observations"));
  return out;
}

absl::StatusOr<std::vector<CaaObservationRecord>> RocksFindingStore::CaaHistory(
    const std::string& query_name, absl::Time from, absl::Time to) {
  const std::string prefix = query_name + std::string(1, '\0');
  std::vector<CaaObservationRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kCaaObs]));
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    CAAWATCH_ASSIGN_OR_RETURN(CaaObservationRecord r,
                              Parse<CaaObservationRecord>(it->value().ToString(), "observation"));
    if (r.first_seen_ms() <= Ms(to) && r.last_seen_ms() >= Ms(from)) out.push_back(std::move(r));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan observations"));
  return out;
}

absl::Status RocksFindingStore::PutTreeHead(const TreeHeadRecord& head) {
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  if (head.log_id().size() != 32 || head.root_hash().size() != 32) {
    return absl::InvalidArgumentError("tree head needs a 32-byte log ID and root hash");
  }
  rocksdb::WriteOptions w;
  w.sync = true;  // Evidence: it must survive a crash like a committed position.
  return FromRocks(db_->Put(w, handles_[kTreeHeads],
                            TreeHeadKey(head.log_id(), head.tree_size(), head.root_hash()),
                            head.SerializeAsString()),
                   "put tree head");
}

absl::StatusOr<std::optional<TreeHeadRecord>> RocksFindingStore::GetTreeHead(
    const std::string& log_id, uint64_t tree_size, const std::string& root_hash) {
  return GetRecord<TreeHeadRecord>(kTreeHeads, TreeHeadKey(log_id, tree_size, root_hash));
}

absl::StatusOr<std::vector<TreeHeadRecord>> RocksFindingStore::ListTreeHeads(
    const std::string& log_id, size_t limit) {
  std::vector<TreeHeadRecord> out;
  if (handles_[kTreeHeads] == nullptr || log_id.size() != 32) return out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kTreeHeads]));
  for (it->Seek(log_id); it->Valid() && it->key().starts_with(log_id) && out.size() < limit;
       it->Next()) {
    CAAWATCH_ASSIGN_OR_RETURN(TreeHeadRecord r,
                              Parse<TreeHeadRecord>(it->value().ToString(), "tree head"));
    out.push_back(std::move(r));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan tree heads"));
  return out;
}

absl::Status RocksFindingStore::RecordCaaPolled(absl::Time polled_at,
                                                absl::Span<const uint64_t> name_hashes) {
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  if (name_hashes.empty()) return absl::OkStatus();
  CaaPolledRecord record;
  record.mutable_name_hashes()->Add(name_hashes.begin(), name_hashes.end());
  // Not synced: a crash that takes the record back only makes the next start poll these names
  // again. The observations it stands for were synced before it.
  return FromRocks(
      db_->Put(rocksdb::WriteOptions(), handles_[kCaaPolled],
               CaaPolledKey(Ms(polled_at), name_hashes.front()), record.SerializeAsString()),
      "record CAA poll");
}

absl::StatusOr<std::vector<CaaPolled>> RocksFindingStore::CaaPolledSince(absl::Time since) {
  std::vector<CaaPolled> out;
  if (handles_[kCaaPolled] == nullptr) return out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kCaaPolled]));
  for (it->Seek(BigEndian64(static_cast<uint64_t>(std::max<int64_t>(Ms(since), 0)))); it->Valid();
       it->Next()) {
    if (it->key().size() < 8) return absl::DataLossError("corrupt CAA poll key");
    CAAWATCH_ASSIGN_OR_RETURN(CaaPolledRecord r,
                              Parse<CaaPolledRecord>(it->value().ToString(), "CAA poll record"));
    CaaPolled polled;
    polled.polled_at = absl::FromUnixMillis(
        static_cast<int64_t>(ReadBigEndian64(absl::string_view(it->key().data(), 8))));
    polled.name_hashes.assign(r.name_hashes().begin(), r.name_hashes().end());
    out.push_back(std::move(polled));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan CAA polls"));
  return out;
}

absl::Status RocksFindingStore::ForgetCaaPolledBefore(absl::Time before) {
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  const int64_t end = Ms(before);
  if (end <= 0) return absl::OkStatus();
  return FromRocks(db_->DeleteRange(rocksdb::WriteOptions(), handles_[kCaaPolled], BigEndian64(0),
                                    BigEndian64(static_cast<uint64_t>(end))),
                   "forget CAA polls");
}

absl::Status RocksFindingStore::RecordCaaPollPass(const CaaPollPass& pass) {
  CAAWATCH_RETURN_IF_ERROR(CheckWritable());
  return FromRocks(db_->Put(rocksdb::WriteOptions(), handles_[kMeta], kCaaPollPassKey,
                            BigEndian64(pass.fingerprint) +
                                BigEndian64(static_cast<uint64_t>(Ms(pass.started_at)))),
                   "record CAA poll pass");
}

absl::StatusOr<std::optional<CaaPollPass>> RocksFindingStore::LastCaaPollPass() {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(Get(kMeta, kCaaPollPassKey, &value, &found));
  if (!found) return std::nullopt;
  if (value.size() != 16) return absl::DataLossError("corrupt CAA poll pass record");
  CaaPollPass pass;
  pass.fingerprint = ReadBigEndian64(value);
  pass.started_at = absl::FromUnixMillis(
      static_cast<int64_t>(ReadBigEndian64(absl::string_view(value).substr(8))));
  return pass;
}

}  // namespace caawatch::store
