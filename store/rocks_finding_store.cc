#include "store/rocks_finding_store.h"

#include <algorithm>
#include <set>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "store/keys.h"

namespace caawatch::store {
namespace {

const char* const kFamilyNames[] = {"default",  // == rocksdb::kDefaultColumnFamilyName
                                    "findings",  "by_seq", "by_name", "by_hash",   "certs",
                                    "log_state", "watch",  "caa_obs", "tree_heads"};
constexpr char kSchemaKey[] = "schema_version";
constexpr char kNextSeqKey[] = "next_seq";

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
                                     bool read_only)
    : db_(std::move(db)), handles_(std::move(handles)), read_only_(read_only) {}

RocksFindingStore::~RocksFindingStore() {
  for (rocksdb::ColumnFamilyHandle* h : handles_) {
    if (h == nullptr) continue;
    const rocksdb::Status ignored = db_->DestroyColumnFamilyHandle(h);
    (void)ignored;  // Closing: nothing left to report to.
  }
}

absl::StatusOr<std::unique_ptr<FindingStore>> RocksFindingStore::Open(const std::string& dir,
                                                                      OpenOptions options) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = !options.read_only;
  db_options.create_missing_column_families = !options.read_only;
  db_options.keep_log_file_num = 4;
  db_options.max_manifest_file_size = 64 << 20;
  // A reader opens the families that exist: a store last written by an older caawatch lacks the
  // newer ones, which then read as empty.
  std::vector<std::string> existing;
  if (options.read_only) {
    const rocksdb::Status listed = rocksdb::DB::ListColumnFamilies(db_options, dir, &existing);
    CAAWATCH_RETURN_IF_ERROR(FromRocks(listed, absl::StrCat("open store ", dir)));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> families;
  std::vector<size_t> family_index;  // families[i] is Family family_index[i].
  for (size_t i = 0; i < std::size(kFamilyNames); ++i) {
    if (options.read_only &&
        std::find(existing.begin(), existing.end(), kFamilyNames[i]) == existing.end()) {
      continue;
    }
    rocksdb::ColumnFamilyOptions cf;
    cf.OptimizeForPointLookup(8);
    families.emplace_back(kFamilyNames[i], cf);
    family_index.push_back(i);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> opened;
  rocksdb::DB* raw = nullptr;  // RocksDB 7.8 (Debian 12) only has the DB** overload.
  const rocksdb::Status s =
      options.read_only ? rocksdb::DB::OpenForReadOnly(db_options, dir, families, &opened, &raw)
                        : rocksdb::DB::Open(db_options, dir, families, &opened, &raw);
  CAAWATCH_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("open store ", dir)));
  std::vector<rocksdb::ColumnFamilyHandle*> handles(std::size(kFamilyNames), nullptr);
  for (size_t i = 0; i < opened.size(); ++i) handles[family_index[i]] = opened[i];
  auto store = absl::WrapUnique(new RocksFindingStore(std::unique_ptr<rocksdb::DB>(raw),
                                                      std::move(handles), options.read_only));
  CAAWATCH_RETURN_IF_ERROR(store->LoadSchema());
  return std::unique_ptr<FindingStore>(std::move(store));
}

absl::Status RocksFindingStore::LoadSchema() {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(Get(kMeta, kSchemaKey, &value, &found));
  if (found) {
    int version = 0;
    if (!absl::SimpleAtoi(value, &version)) return absl::DataLossError("corrupt schema version");
    if (version > kSchemaVersion) {
      return absl::FailedPreconditionError(
          absl::StrCat("the store has schema version ", version, ", newer than this caawatch (",
                       kSchemaVersion, "): use a newer caawatch or another --data-dir"));
    }
  } else if (!read_only_) {
    rocksdb::WriteOptions w;
    w.sync = true;
    CAAWATCH_RETURN_IF_ERROR(FromRocks(
        db_->Put(w, handles_[kMeta], kSchemaKey, std::to_string(kSchemaVersion)), "write schema"));
  }
  CAAWATCH_RETURN_IF_ERROR(Get(kMeta, kNextSeqKey, &value, &found));
  absl::MutexLock lock(&commit_mu_);
  next_seq_ = found && value.size() == 8 ? ReadBigEndian64(value) : 1;
  return absl::OkStatus();
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
    const std::string& finding_key) {
  return GetRecord<FindingRecord>(kFindings, finding_key);
}

absl::StatusOr<CommitResult> RocksFindingStore::Commit(CommitRequest request) {
  if (read_only_) return absl::FailedPreconditionError("store opened read-only");
  absl::MutexLock lock(&commit_mu_);
  rocksdb::WriteBatch batch;
  CommitResult result;
  uint64_t next = next_seq_;
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
      if (!Merge(f, &*existing)) continue;
      result.updated.push_back(*existing);
      f = *existing;
    } else {
      f.set_seq(next++);
      batch.Put(handles_[kBySeq], BigEndian64(f.seq()), key);
      std::set<std::string> names(f.names().begin(), f.names().end());
      names.insert(f.watched_names().begin(), f.watched_names().end());
      for (const std::string& n : names) batch.Put(handles_[kByName], NameKey(n, f.seq()), "");
      result.created.push_back(f);
    }
    for (const std::string& h : {f.cert_sha256(), f.precert_sha256(), f.tbs_sha256()}) {
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
  w.sync = true;  // A committed position must survive power loss.
  CAAWATCH_RETURN_IF_ERROR(FromRocks(db_->Write(w, &batch), "commit"));
  next_seq_ = next;  // Only now: a failed write burns no seq.
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

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::ListFindings(const FindingQuery& q) {
  std::vector<FindingRecord> out;
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), handles_[kBySeq]));
  if (q.newest_first) {
    it->SeekToLast();
  } else {
    it->Seek(BigEndian64(q.after_seq + 1));
  }
  for (; it->Valid() && out.size() < q.limit; q.newest_first ? it->Prev() : it->Next()) {
    if (q.newest_first && ReadBigEndian64(it->key().ToString()) <= q.after_seq) break;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(it->value().ToString()));
    if (!f) return absl::DataLossError("by_seq points to a missing finding");
    if (Matches(*f, q)) out.push_back(std::move(*f));
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan findings"));
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> RocksFindingStore::FindingsForName(
    const std::string& name, bool subtree, const FindingQuery& q) {
  const std::string prefix = ReversedName(name);
  std::set<uint64_t, std::greater<>> seqs;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kByName]));
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
    bool found = false;
    CAAWATCH_RETURN_IF_ERROR(Get(kBySeq, BigEndian64(seq), &key, &found));
    if (!found) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(key));
    if (f && Matches(*f, q)) out.push_back(std::move(*f));
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

absl::Status RocksFindingStore::RecordCaaObservation(const CaaObservationRecord& observation,
                                                     absl::Duration max_gap) {
  if (read_only_) return absl::FailedPreconditionError("store opened read-only");
  absl::MutexLock lock(&observation_mu_);
  const std::string prefix = observation.query_name() + std::string(1, '\0');
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), handles_[kCaaObs]));
  it->SeekForPrev(prefix + std::string(8, '\xff'));
  rocksdb::WriteOptions w;
  w.sync = true;
  if (it->Valid() && it->key().starts_with(prefix)) {
    CAAWATCH_ASSIGN_OR_RETURN(CaaObservationRecord newest,
                              Parse<CaaObservationRecord>(it->value().ToString(), "observation"));
    const bool contiguous =
        observation.first_seen_ms() - newest.last_seen_ms() <= absl::ToInt64Milliseconds(max_gap);
    if (SameAnswer(newest, observation) && contiguous) {
      newest.set_last_seen_ms(std::max(newest.last_seen_ms(), observation.last_seen_ms()));
      return FromRocks(db_->Put(w, handles_[kCaaObs], it->key(), newest.SerializeAsString()),
                       "extend observation");
    }
  }
  CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan observations"));
  return FromRocks(db_->Put(w, handles_[kCaaObs],
                            ObservationKey(observation.query_name(), observation.first_seen_ms()),
                            observation.SerializeAsString()),
                   "record observation");
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
  if (read_only_) return absl::FailedPreconditionError("store opened read-only");
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

}  // namespace caawatch::store
