// The write side of Findings: commits, re-evaluation updates, seq allocation, the version 2
// indexes. The read side is finding_queries.cc.
#include "store/findings.h"

#include <algorithm>
#include <map>
#include <set>

#include "base/status_macros.h"
#include "store/finding_kind.h"
#include "store/finding_refs.h"
#include "store/keys.h"
#include "store/scan.h"
#include "store/seq_reservation.h"
#include "store/verdict.h"

namespace caawatch::store {
namespace {

constexpr char kNextSeqKey[] = "next_seq";  // In meta.

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

absl::Status Findings::Load() {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(db_->Get(Family::kMeta, kNextSeqKey, &value, &found));
  // The newest by_time key holds the newest record time (absent for a reader of an older store).
  int64_t newest_ms = 0;
  ScanOptions newest;
  newest.reverse = true;
  newest.limit = 1;
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kByTime, KeyRange::All(), newest,
           [&](absl::string_view key, absl::string_view) -> absl::StatusOr<ScanStep> {
             if (key.size() == 16) newest_ms = static_cast<int64_t>(ReadBigEndian64(key));
             return ScanStep::kStop;
           }));
  // A writer's mark, if damaged, is written afresh before the next seq is handed out.
  const absl::StatusOr<uint64_t> high_water =
      db_->read_only() ? uint64_t{0} : ReadSeqHighWater(db_->dir());
  absl::MutexLock lock(&commit_mu_);
  next_seq_ = found && value.size() == 8 ? ReadBigEndian64(value) : 1;
  seq_high_water_ = high_water.value_or(0);
  last_recorded_ms_ = newest_ms;
  return absl::OkStatus();
}

absl::Status Findings::ReserveSeqsBelow(uint64_t end) {
  if (end <= seq_high_water_) return absl::OkStatus();
  // Exactly what this write hands out, no block ahead: a finding-creating write is synced
  // anyway (one more sync each), and a recovery can then say which seqs a lost write took.
  CAAWATCH_RETURN_IF_ERROR(WriteSeqHighWater(db_->dir(), end));
  seq_high_water_ = end;
  return absl::OkStatus();
}

absl::Status Findings::RaiseNextSeq(uint64_t min_next_seq) {
  absl::MutexLock lock(&commit_mu_);
  if (next_seq_ >= min_next_seq) return absl::OkStatus();
  rocksdb::WriteBatch batch;
  batch.Put(db_->handle(Family::kMeta), kNextSeqKey, BigEndian64(min_next_seq));
  CAAWATCH_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true, "raise next seq"));
  next_seq_ = min_next_seq;
  return absl::OkStatus();
}

absl::Status Findings::StageVersion2Indexes(rocksdb::WriteBatch* batch) {
  int64_t recorded_ms = 0;
  return Scan(*db_, Family::kBySeq, KeyRange::All(), {},
              [&](absl::string_view, absl::string_view value) -> absl::StatusOr<ScanStep> {
                const std::string key(value);
                CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(key));
                if (!f) return absl::DataLossError("by_seq points to a missing finding");
                recorded_ms = std::max(recorded_ms, f->recorded_ms());
                batch->Put(db_->handle(Family::kByVerdict), VerdictKey(f->verdict(), f->seq()), "");
                batch->Put(db_->handle(Family::kByTime), TimeKey(recorded_ms, f->seq()), "");
                PutReevalKeys(*f, key, batch);
                return ScanStep::kNext;
              });
}

void Findings::PutReevalKeys(const FindingRecord& f, const std::string& key,
                             rocksdb::WriteBatch* batch) {
  // Only certificate findings are judged on CAA, so only they are judged again.
  if (HasKind(f, FindingKind::kLogMisbehaviour) || HasKind(f, FindingKind::kMalformedCert) ||
      HasKind(f, FindingKind::kCaaBreaksRenewal)) {
    return;
  }
  batch->Put(db_->handle(Family::kReeval), IssuedKey(IssuedMs(f), key), key);
  if (f.verdict() == VerdictName(Verdict::kUnknownIssuer)) {
    batch->Put(db_->handle(Family::kReeval), UnknownIssuerKey(f, key), key);
  }
}

absl::StatusOr<CommitResult> Findings::Commit(CommitRequest request) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
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
      batch.Put(db_->handle(Family::kBySeq), BigEndian64(f.seq()), key);
      batch.Put(db_->handle(Family::kByVerdict), VerdictKey(f.verdict(), f.seq()), "");
      batch.Put(db_->handle(Family::kByTime), TimeKey(f.recorded_ms(), f.seq()), "");
      std::set<std::string> names(f.names().begin(), f.names().end());
      names.insert(f.watched_names().begin(), f.watched_names().end());
      for (const std::string& n : names) {
        batch.Put(db_->handle(Family::kByName), NameKey(n, f.seq()), "");
      }
      result.created.push_back(f);
    }
    for (const std::string& h :
         {f.cert_sha256(), f.precert_sha256(), f.tbs_sha256(), f.leaf_hash()}) {
      if (!h.empty()) batch.Put(db_->handle(Family::kByHash), h, key);
    }
    batch.Put(db_->handle(Family::kFindings), key, f.SerializeAsString());
    StageFindingRefs(*db_, f, &batch);
    pending[key] = f;
  }
  for (const auto& [sha, der] : request.certificates) {
    batch.Put(db_->handle(Family::kCerts), sha, der);
  }
  StageEntryEvidence(request, &batch);
  if (request.log_state) logs_->StageState(*request.log_state, &batch);
  batch.Put(db_->handle(Family::kMeta), kNextSeqKey, BigEndian64(next));
  CAAWATCH_RETURN_IF_ERROR(ReserveSeqsBelow(next));
  // A committed finding must survive power loss; a position may fall back (see CommitRequest).
  const bool sync = request.sync || !result.created.empty() || !result.updated.empty() ||
                    !request.certificates.empty() || !request.malformed_entries.empty();
  CAAWATCH_RETURN_IF_ERROR(db_->Write(&batch, sync, "commit"));
  next_seq_ = next;  // Only now: a failed write burns no seq.
  last_recorded_ms_ = recorded_ms;
  return result;
}

absl::StatusOr<std::vector<FindingRecord>> Findings::Update(std::vector<FindingUpdate> updates) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
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
    if (!stored || HasKind(*stored, FindingKind::kLogMisbehaviour) ||
        stored->history_size() != u.based_on_revision) {
      continue;
    }
    if (stored->verdict() == VerdictName(Verdict::kUnknownIssuer)) {
      batch.Delete(db_->handle(Family::kReeval), UnknownIssuerKey(*stored, key));
    }
    batch.Delete(db_->handle(Family::kByVerdict), VerdictKey(stored->verdict(), stored->seq()));
    Supersede(u, &*stored);
    if (u.alert == FindingUpdate::Alert::kNewSeq) {
      const uint64_t old_seq = stored->seq();
      if (stored->first_seq() == 0) stored->set_first_seq(old_seq);
      stored->set_seq(next++);
      // The re-alert is recorded now: by_time keeps time in seq order.
      batch.Delete(db_->handle(Family::kByTime), TimeKey(stored->recorded_ms(), old_seq));
      recorded_ms = std::max(recorded_ms, u.finding.evaluated_ms());
      stored->set_recorded_ms(recorded_ms);
      batch.Put(db_->handle(Family::kByTime), TimeKey(stored->recorded_ms(), stored->seq()), "");
      batch.Delete(db_->handle(Family::kBySeq), BigEndian64(old_seq));
      batch.Put(db_->handle(Family::kBySeq), BigEndian64(stored->seq()), key);
      std::set<std::string> names(stored->names().begin(), stored->names().end());
      names.insert(stored->watched_names().begin(), stored->watched_names().end());
      for (const std::string& n : names) {
        batch.Delete(db_->handle(Family::kByName), NameKey(n, old_seq));
        batch.Put(db_->handle(Family::kByName), NameKey(n, stored->seq()), "");
      }
    }
    if (stored->verdict() == VerdictName(Verdict::kUnknownIssuer)) {
      batch.Put(db_->handle(Family::kReeval), UnknownIssuerKey(*stored, key), key);
    }
    batch.Put(db_->handle(Family::kByVerdict), VerdictKey(stored->verdict(), stored->seq()), "");
    batch.Put(db_->handle(Family::kFindings), key, stored->SerializeAsString());
    StageFindingRefs(*db_, *stored, &batch);
    if (!pending.count(key)) order.push_back(key);
    pending[key] = *std::move(stored);
  }
  if (pending.empty()) return std::vector<FindingRecord>();
  batch.Put(db_->handle(Family::kMeta), kNextSeqKey, BigEndian64(next));
  CAAWATCH_RETURN_IF_ERROR(ReserveSeqsBelow(next));
  CAAWATCH_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true, "update findings"));
  next_seq_ = next;
  last_recorded_ms_ = recorded_ms;
  std::vector<FindingRecord> out;
  for (const std::string& key : order) out.push_back(std::move(pending[key]));
  return out;
}

absl::StatusOr<uint64_t> Findings::LastSeq() {
  absl::MutexLock lock(&commit_mu_);
  return next_seq_ - 1;
}

}  // namespace caawatch::store
