#include "store/finding_refs.h"

#include <algorithm>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "store/keys.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

constexpr char kHeadRefPrefix[] = "head_ref/";
constexpr char kCaaRefPrefix[] = "caa_ref/";
constexpr size_t kBuildBatch = 1000;  // Findings per write while building.

// Times before the epoch cover nothing an observation (always after it) can have.
uint64_t Ms(int64_t ms) { return static_cast<uint64_t>(std::max<int64_t>(ms, 0)); }

std::string CaaRefPrefix(absl::string_view name) {
  return absl::StrCat(kCaaRefPrefix, name, absl::string_view("\0", 1));
}

// caa_ref/ + name + 0x00 + BE64(end) + BE64(start): a name's spans by their end, so the spans
// that can overlap [first, last] are those from BE64(first) on.
std::string CaaRefKey(absl::string_view name, int64_t start_ms, int64_t end_ms) {
  return absl::StrCat(CaaRefPrefix(name), BigEndian64(Ms(end_ms)), BigEndian64(Ms(start_ms)));
}

void StageCaa(const Database& db, const google::protobuf::RepeatedPtrField<CaaNameRecord>& caa,
              rocksdb::WriteBatch* batch) {
  for (const CaaNameRecord& n : caa) {
    int64_t start = n.window_start_ms();
    int64_t end = n.window_end_ms();
    // The observations it cites may reach beyond the window (a no_data finding's first later
    // state): their spans count too.
    for (const CaaObservationRecord& o : n.observations()) {
      start = std::min(start, o.first_seen_ms());
      end = std::max(end, o.last_seen_ms());
    }
    std::set<std::string> names = {n.name()};
    if (!n.relevant_name().empty()) names.insert(n.relevant_name());
    for (const CaaObservationRecord& o : n.observations()) names.insert(o.query_name());
    for (const std::string& name : names) {
      batch->Put(db.handle(Family::kMeta), CaaRefKey(name, start, end), "");
    }
  }
}

}  // namespace

void StageFindingRefs(const Database& db, const FindingRecord& finding,
                      rocksdb::WriteBatch* batch) {
  for (const EntryRef& e : finding.entries()) {
    if (!e.has_inclusion() || e.inclusion().tree_size() == 0) continue;
    batch->Put(db.handle(Family::kMeta),
               absl::StrCat(kHeadRefPrefix, TreeHeadKey(e.log_id(), e.inclusion().tree_size(),
                                                        e.inclusion().root_hash())),
               "");
  }
  StageCaa(db, finding.caa(), batch);
  for (const FindingRevisionRecord& r : finding.history()) StageCaa(db, r.caa(), batch);
}

absl::StatusOr<bool> HeadReferenced(const Database& db, absl::string_view head_key) {
  std::string value;
  bool found = false;
  CAAWATCH_RETURN_IF_ERROR(
      db.Get(Family::kMeta, absl::StrCat(kHeadRefPrefix, head_key), &value, &found));
  return found;
}

absl::StatusOr<bool> CaaSpanReferenced(const Database& db, absl::string_view query_name,
                                       int64_t first_seen_ms, int64_t last_seen_ms) {
  const std::string prefix = CaaRefPrefix(query_name);
  bool covered = false;
  CAAWATCH_RETURN_IF_ERROR(Scan(
      db, Family::kMeta,
      KeyRange{absl::StrCat(prefix, BigEndian64(Ms(first_seen_ms))),
               KeyRange::Prefix(prefix).upper},
      ScanOptions{}, [&](absl::string_view key, absl::string_view) -> absl::StatusOr<ScanStep> {
        if (key.size() != prefix.size() + 16) return ScanStep::kNext;
        // The span ends at or after first_seen (the range); it covers if it starts by last_seen.
        if (ReadBigEndian64(key.substr(prefix.size() + 8)) <= Ms(last_seen_ms)) {
          covered = true;
          return ScanStep::kStop;
        }
        return ScanStep::kNext;
      }));
  return covered;
}

absl::Status BuildFindingRefs(Database& db) {
  std::string cursor;
  for (;;) {
    rocksdb::WriteBatch batch;
    size_t seen = 0;
    std::string last;
    ScanOptions options;
    options.limit = kBuildBatch;
    CAAWATCH_RETURN_IF_ERROR(Scan(
        db, Family::kFindings, KeyRange{cursor, ""}, options,
        [&](absl::string_view key, absl::string_view value) -> absl::StatusOr<ScanStep> {
          ++seen;
          last = std::string(key);
          CAAWATCH_ASSIGN_OR_RETURN(FindingRecord f, ParseRecord<FindingRecord>(value, "finding"));
          StageFindingRefs(db, f, &batch);
          return ScanStep::kNext;
        }));
    if (batch.Count() > 0) {
      CAAWATCH_RETURN_IF_ERROR(db.Write(&batch, /*sync=*/false, "index the findings' references"));
    }
    if (seen < kBuildBatch) return absl::OkStatus();
    cursor = KeyAfter(last);
  }
}

}  // namespace caawatch::store
