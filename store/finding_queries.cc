// The read side of Findings: listings by seq, verdict, time, name, hash and the re-evaluation
// index. Reads that follow an index to the findings it names do so at one snapshot.
#include <algorithm>
#include <functional>
#include <set>

#include "base/status_macros.h"
#include "store/finding_kind.h"
#include "store/findings.h"
#include "store/keys.h"
#include "store/scan.h"
#include "store/verdict.h"

namespace caawatch::store {

absl::StatusOr<std::optional<FindingRecord>> Findings::FindingAt(
    const std::string& finding_key, const rocksdb::Snapshot* snapshot) {
  return db_->GetRecord<FindingRecord>(Family::kFindings, finding_key, snapshot);
}

absl::StatusOr<std::optional<FindingRecord>> Findings::FindingAtSeq(
    uint64_t seq, const rocksdb::Snapshot* snapshot) {
  std::string key;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(db_->Get(Family::kBySeq, BigEndian64(seq), &key, &found, snapshot));
  if (!found) return std::optional<FindingRecord>();  // Retired by a re-alert.
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(key, snapshot));
  if (!f) return absl::DataLossError("by_seq points to a missing finding");
  if (f->seq() != seq) return std::optional<FindingRecord>();
  return f;
}

bool Findings::Matches(const FindingRecord& f, const FindingQuery& q) {
  if (f.seq() <= q.after_seq) return false;
  if (!q.verdicts.empty() &&
      std::find(q.verdicts.begin(), q.verdicts.end(), f.verdict()) == q.verdicts.end()) {
    return false;
  }
  if (!q.severities.empty() &&
      std::find(q.severities.begin(), q.severities.end(), f.severity()) == q.severities.end()) {
    return false;
  }
  if (f.recorded_ms() < ClampedMillis(q.since) || f.recorded_ms() >= ClampedMillis(q.until)) {
    return false;
  }
  if (!q.log_id.empty() &&
      std::none_of(f.entries().begin(), f.entries().end(),
                   [&](const EntryRef& e) { return e.log_id() == q.log_id; })) {
    return false;
  }
  return true;
}

absl::StatusOr<uint64_t> Findings::FirstSeqAtOrAfter(int64_t ms) {
  KeyRange range;
  range.lower = BigEndian64(static_cast<uint64_t>(std::max<int64_t>(ms, 0)));
  ScanOptions first;
  first.limit = 1;
  std::optional<uint64_t> seq;
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kByTime, range, first,
           [&](absl::string_view key, absl::string_view) -> absl::StatusOr<ScanStep> {
             if (key.size() == 16) seq = ReadBigEndian64(key.substr(8));
             return ScanStep::kStop;
           }));
  if (seq) return *seq;
  absl::MutexLock lock(&commit_mu_);
  return next_seq_;
}

absl::StatusOr<std::vector<uint64_t>> Findings::SeqsWithVerdicts(
    const FindingQuery& q, uint64_t lo, uint64_t hi, const rocksdb::Snapshot* snapshot) {
  std::vector<uint64_t> seqs;
  ScanOptions options;
  options.reverse = q.newest_first;
  options.limit = q.limit;
  options.snapshot = snapshot;
  for (const std::string& verdict : q.verdicts) {
    const KeyRange range{VerdictKey(verdict, lo), VerdictKey(verdict, hi)};
    CAAWATCH_RETURN_IF_ERROR(
        Scan(*db_, Family::kByVerdict, range, options,
             [&](absl::string_view key, absl::string_view) -> absl::StatusOr<ScanStep> {
               seqs.push_back(ReadBigEndian64(key.substr(key.size() - 8)));
               return ScanStep::kNext;
             }));
  }
  if (q.newest_first) {
    std::sort(seqs.begin(), seqs.end(), std::greater<>());
  } else {
    std::sort(seqs.begin(), seqs.end());
  }
  return seqs;
}

absl::StatusOr<std::vector<FindingRecord>> Findings::List(const FindingQuery& q) {
  // The indexes narrow the seq range and, for verdicts, the candidates; Matches() still checks
  // every condition, so an index only ever saves work.
  uint64_t lo = q.after_seq + 1;
  uint64_t hi = UINT64_MAX;  // Exclusive.
  // Without the indexes (a reader of a store no writer has migrated), Matches() does it all.
  const bool indexed =
      db_->handle(Family::kByTime) != nullptr && db_->handle(Family::kByVerdict) != nullptr;
  if (indexed && q.since != absl::InfinitePast()) {
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t first, FirstSeqAtOrAfter(ClampedMillis(q.since)));
    lo = std::max(lo, first);
  }
  if (indexed && q.until != absl::InfiniteFuture()) {
    CAAWATCH_ASSIGN_OR_RETURN(hi, FirstSeqAtOrAfter(ClampedMillis(q.until)));
  }
  std::vector<FindingRecord> out;
  if (lo >= hi) return out;
  const ScopedSnapshot snapshot(*db_);
  if (indexed && !q.verdicts.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(const std::vector<uint64_t> seqs,
                              SeqsWithVerdicts(q, lo, hi, snapshot.get()));
    for (uint64_t seq : seqs) {
      if (out.size() >= q.limit) break;
      CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAtSeq(seq, snapshot.get()));
      if (f && Matches(*f, q)) out.push_back(*std::move(f));
    }
    return out;
  }
  if (q.limit == 0) return out;
  ScanOptions options;
  options.reverse = q.newest_first;
  options.snapshot = snapshot.get();
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kBySeq, KeyRange{BigEndian64(lo), BigEndian64(hi)}, options,
           [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<ScanStep> {
             CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f,
                                       FindingAt(std::string(value), snapshot.get()));
             if (!f) return absl::DataLossError("by_seq points to a missing finding");
             // A seq retired by a re-alert is skipped: the finding is listed at its new one.
             if (f->seq() == ReadBigEndian64(key) && Matches(*f, q)) out.push_back(*std::move(f));
             return out.size() < q.limit ? ScanStep::kNext : ScanStep::kStop;
           }));
  return out;
}

absl::StatusOr<std::vector<uint64_t>> Findings::SeqsUnderName(const std::string& name, bool subtree,
                                                              uint64_t min_seq,
                                                              const rocksdb::Snapshot* snapshot) {
  const std::string prefix = ReversedName(name);
  std::vector<uint64_t> seqs;
  ScanOptions options;
  options.snapshot = snapshot;
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kByName, KeyRange::Prefix(prefix), options,
           [&](absl::string_view key, absl::string_view) -> absl::StatusOr<ScanStep> {
             const char next = key.size() > prefix.size() ? key[prefix.size()] : '\x01';
             // Exact: the name ends here (0x00); subtree: or a label boundary follows ('.').
             if (next == '\0' || (subtree && next == '.')) {
               const uint64_t seq = ReadBigEndian64(key.substr(key.size() - 8));
               if (seq >= min_seq) seqs.push_back(seq);
             }
             return ScanStep::kNext;
           }));
  std::sort(seqs.begin(), seqs.end());
  seqs.erase(std::unique(seqs.begin(), seqs.end()), seqs.end());  // One key per name.
  return seqs;
}

absl::StatusOr<std::vector<FindingRecord>> Findings::ForName(const std::string& name, bool subtree,
                                                             const FindingQuery& q) {
  const ScopedSnapshot snapshot(*db_);
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<uint64_t> seqs,
                            SeqsUnderName(name, subtree, 0, snapshot.get()));
  std::vector<FindingRecord> out;
  for (auto seq = seqs.rbegin(); seq != seqs.rend(); ++seq) {  // Newest first.
    if (out.size() >= q.limit) break;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAtSeq(*seq, snapshot.get()));
    if (f && Matches(*f, q)) out.push_back(*std::move(f));
  }
  return out;
}

absl::StatusOr<std::optional<FindingRecord>> Findings::FindByHash(const std::string& sha256) {
  std::string key;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(db_->Get(Family::kByHash, sha256, &key, &found));
  if (!found) return std::optional<FindingRecord>();
  return FindingAt(key);
}

absl::StatusOr<std::optional<FindingRecord>> Findings::FindByHashPrefix(const std::string& prefix) {
  // A finding is indexed under up to four hashes: count findings, not keys. Stop early: the
  // answer is "several" as soon as there are two.
  std::set<std::string> keys;
  const ScopedSnapshot snapshot(*db_);
  ScanOptions options;
  options.snapshot = snapshot.get();
  CAAWATCH_RETURN_IF_ERROR(
      Scan(*db_, Family::kByHash, KeyRange::Prefix(prefix), options,
           [&](absl::string_view, absl::string_view value) -> absl::StatusOr<ScanStep> {
             keys.emplace(value);
             return keys.size() < 2 ? ScanStep::kNext : ScanStep::kStop;
           }));
  if (keys.empty()) return std::optional<FindingRecord>();
  if (keys.size() > 1) {
    return absl::FailedPreconditionError("several findings have a hash starting so");
  }
  return FindingAt(*keys.begin(), snapshot.get());
}

absl::StatusOr<std::optional<std::string>> Findings::GetCertificateDer(const std::string& sha256) {
  std::string der;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(db_->Get(Family::kCerts, sha256, &der, &found));
  return found ? std::optional<std::string>(std::move(der)) : std::nullopt;
}

absl::StatusOr<std::vector<FindingRecord>> Findings::FindingsByReevalRange(
    const std::string& from, const std::string& to, size_t limit,
    const std::function<bool(const FindingRecord&)>& keep) {
  std::vector<FindingRecord> out;
  if (limit == 0) return out;
  // An absent reeval family (a store no writer has upgraded yet) scans as empty.
  const ScopedSnapshot snapshot(*db_);
  ScanOptions options;
  options.snapshot = snapshot.get();
  std::set<std::string> seen;
  CAAWATCH_RETURN_IF_ERROR(Scan(
      *db_, Family::kReeval, KeyRange{from, to}, options,
      [&](absl::string_view, absl::string_view value) -> absl::StatusOr<ScanStep> {
        std::string key(value);
        if (!seen.insert(key).second) return ScanStep::kNext;
        CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAt(key, snapshot.get()));
        if (f && keep(*f)) out.push_back(*std::move(f));
        return out.size() < limit ? ScanStep::kNext : ScanStep::kStop;
      }));
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> Findings::IssuedBetween(absl::Time from, absl::Time to,
                                                                   size_t limit) {
  const int64_t lo = std::max<int64_t>(ClampedMillis(from), 0);
  const int64_t hi = ClampedMillis(to);
  if (hi < lo) return std::vector<FindingRecord>();
  const std::string end = hi == INT64_MAX ? std::string("u") : IssuedKey(hi + 1, "");
  // Index entries left behind when an earlier entry moved a finding's window end are skipped.
  return FindingsByReevalRange(IssuedKey(lo, ""), end, limit, [lo, hi](const FindingRecord& f) {
    return IssuedMs(f) >= lo && IssuedMs(f) <= hi;
  });
}

absl::StatusOr<std::vector<FindingRecord>> Findings::IssuedBetweenUnder(
    const std::string& name, absl::Time from, absl::Time to, uint64_t after_seq, size_t limit) {
  // A finding is recorded after its log timestamp, unless the log's clock runs ahead of ours;
  // an hour's margin covers any log that still gets its entries accepted (RFC 6962 logs are
  // checked against the present by every monitor and browser).
  constexpr absl::Duration kLogClockAhead = absl::Hours(1);
  uint64_t lo = after_seq + 1;
  if (db_->handle(Family::kByTime) != nullptr && from != absl::InfinitePast()) {
    CAAWATCH_ASSIGN_OR_RETURN(const uint64_t first,
                              FirstSeqAtOrAfter(ClampedMillis(from - kLogClockAhead)));
    lo = std::max(lo, first);
  }
  const ScopedSnapshot snapshot(*db_);
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<uint64_t> seqs,
                            SeqsUnderName(name, /*subtree=*/true, lo, snapshot.get()));
  const int64_t lo_ms = ClampedMillis(from);
  const int64_t hi_ms = ClampedMillis(to);
  std::vector<FindingRecord> out;
  for (uint64_t seq : seqs) {
    if (out.size() >= limit) break;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<FindingRecord> f, FindingAtSeq(seq, snapshot.get()));
    if (!f || !HasKind(*f, FindingKind::kCertificate)) continue;
    if (IssuedMs(*f) >= lo_ms && IssuedMs(*f) <= hi_ms) out.push_back(*std::move(f));
  }
  return out;
}

absl::StatusOr<std::vector<FindingRecord>> Findings::WithUnknownIssuer(size_t limit,
                                                                       const FindingRecord* after) {
  // The index key `after` was listed under (its verdict may have changed since), and the first
  // key past it.
  const std::string from =
      after == nullptr ? "u" : UnknownIssuerKey(*after, FindingKey(*after)) + std::string(1, '\0');
  return FindingsByReevalRange(from, "v", limit, [](const FindingRecord& f) {
    return f.verdict() == VerdictName(Verdict::kUnknownIssuer);
  });
}

}  // namespace caawatch::store
