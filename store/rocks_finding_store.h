// The RocksDB implementation of FindingStore (layout: SCHEMA.md). One database, one column
// family per record kind; every Commit is one WriteBatch, synced unless it
// only moves a log position (CommitRequest::sync).
#ifndef CAAWATCH_STORE_ROCKS_FINDING_STORE_H_
#define CAAWATCH_STORE_ROCKS_FINDING_STORE_H_

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "rocksdb/db.h"
#include "store/finding_store.h"

namespace caawatch::store {

inline constexpr int kSchemaVersion = 2;

// The one place RocksDB statuses become absl ones.
absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what);

class RocksFindingStore final : public FindingStore {
 public:
  static absl::StatusOr<std::unique_ptr<FindingStore>> Open(const std::string& dir,
                                                            OpenOptions options);
  ~RocksFindingStore() override;

  absl::StatusOr<CommitResult> Commit(CommitRequest request) override;
  absl::StatusOr<std::optional<LogStateRecord>> LoadLogState(const std::string& log_id) override;
  absl::StatusOr<std::vector<LogStateRecord>> ListLogStates() override;
  absl::StatusOr<std::vector<FindingRecord>> ListFindings(const FindingQuery& query) override;
  absl::StatusOr<std::vector<FindingRecord>> FindingsForName(const std::string& name, bool subtree,
                                                             const FindingQuery& query) override;
  absl::StatusOr<std::optional<FindingRecord>> FindByHash(const std::string& sha256) override;
  absl::StatusOr<std::optional<std::string>> GetCertificateDer(const std::string& sha256) override;
  absl::StatusOr<uint64_t> LastSeq() override;
  absl::Status PutWatch(const WatchRecord& entry) override;
  absl::StatusOr<bool> RemoveWatch(const std::string& name) override;
  absl::StatusOr<std::vector<WatchRecord>> ListWatch() override;
  absl::StatusOr<std::vector<FindingRecord>> UpdateFindings(
      std::vector<FindingUpdate> updates) override;
  absl::StatusOr<std::vector<FindingRecord>> FindingsIssuedBetween(absl::Time from, absl::Time to,
                                                                   size_t limit) override;
  absl::StatusOr<std::vector<FindingRecord>> UnknownIssuerFindings(size_t limit) override;
  absl::StatusOr<std::vector<RecordedObservation>> RecordCaaObservations(
      const std::vector<CaaObservationRecord>& observations, absl::Duration max_gap) override;
  absl::StatusOr<RecordedObservation> RecordCaaObservation(const CaaObservationRecord& observation,
                                                           absl::Duration max_gap) override;
  absl::StatusOr<std::vector<CaaObservationRecord>> CaaHistory(const std::string& query_name,
                                                               absl::Time from,
                                                               absl::Time to) override;
  absl::Status PutTreeHead(const TreeHeadRecord& head) override;
  absl::StatusOr<std::optional<TreeHeadRecord>> GetTreeHead(const std::string& log_id,
                                                            uint64_t tree_size,
                                                            const std::string& root_hash) override;
  absl::StatusOr<std::vector<TreeHeadRecord>> ListTreeHeads(const std::string& log_id,
                                                            size_t limit) override;
  absl::Status RecordCaaPolled(absl::Time polled_at,
                               absl::Span<const uint64_t> name_hashes) override;
  absl::StatusOr<std::vector<CaaPolled>> CaaPolledSince(absl::Time since) override;
  absl::Status ForgetCaaPolledBefore(absl::Time before) override;
  absl::Status RecordCaaPollPass(const CaaPollPass& pass) override;
  absl::StatusOr<std::optional<CaaPollPass>> LastCaaPollPass() override;

 private:
  enum Family {
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
  RocksFindingStore(std::unique_ptr<rocksdb::DB> db,
                    std::vector<rocksdb::ColumnFamilyHandle*> handles, std::string dir,
                    const OpenOptions& options);

  absl::Status Get(Family family, const std::string& key, std::string* value, bool* found);
  template <typename Record>
  absl::StatusOr<std::optional<Record>> GetRecord(Family family, const std::string& key);
  absl::StatusOr<std::optional<FindingRecord>> FindingAt(
      const std::string& finding_key, const rocksdb::Snapshot* snapshot = nullptr);
  // Findings named by the values of the reeval keys starting with `from` and below `to`.
  absl::StatusOr<std::vector<FindingRecord>> FindingsByReevalRange(const std::string& from,
                                                                   const std::string& to,
                                                                   size_t limit);
  // The reeval index entries a finding's current state calls for.
  void PutReevalKeys(const FindingRecord& f, const std::string& key, rocksdb::WriteBatch* batch);
  absl::Status LoadSchema();
  // OpenOptions::min_next_seq: written (synced) when above the stored next seq.
  absl::Status RaiseNextSeq(uint64_t min_next_seq);
  // Version 1 -> 2: builds by_verdict, by_time and reeval from the findings.
  absl::Status MigrateFromVersion1();
  // The first seq recorded at or after `ms` (next_seq when none): by_time turns a time range
  // into a seq range.
  absl::StatusOr<uint64_t> FirstSeqAtOrAfter(int64_t ms);
  // Seqs in [lo, hi) with one of `verdicts`, at most `limit` per verdict, in query order.
  absl::StatusOr<std::vector<uint64_t>> SeqsWithVerdicts(const FindingQuery& q, uint64_t lo,
                                                         uint64_t hi,
                                                         const rocksdb::Snapshot* snapshot);
  static bool Matches(const FindingRecord& f, const FindingQuery& query);

  std::unique_ptr<rocksdb::DB> db_;
  // By Family. Read-only opens of a store written by an older caawatch may lack a family: its
  // handle is null and it reads as empty.
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  // OK when a write may go ahead: not read-only, and enough space free (OpenOptions).
  absl::Status CheckWritable() const;

  const bool read_only_;
  const std::string dir_;
  const uint64_t min_free_bytes_;
  absl::Mutex commit_mu_;  // Serialises read-modify-write of findings and seq allocation.
  uint64_t next_seq_ ABSL_GUARDED_BY(commit_mu_) = 1;
  int64_t last_recorded_ms_ ABSL_GUARDED_BY(commit_mu_) = 0;  // Of the newest finding.
  absl::Mutex observation_mu_;  // Serialises RecordCaaObservation's read-modify-write.
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_ROCKS_FINDING_STORE_H_
