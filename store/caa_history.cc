#include "store/caa_history.h"

#include <algorithm>
#include <memory>
#include <numeric>
#include <optional>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "google/protobuf/util/message_differencer.h"
#include "store/keys.h"
#include "store/scan.h"

namespace caawatch::store {
namespace {

bool SameAnswer(const CaaObservationRecord& a, const CaaObservationRecord& b) {
  if (a.outcome() != b.outcome() || a.rcode() != b.rcode() || a.dnssec() != b.dnssec() ||
      a.ttl() != b.ttl() || a.records_size() != b.records_size() ||
      a.cname_chain_size() != b.cname_chain_size() || a.basis() != b.basis() ||
      a.dname_target() != b.dname_target()) {
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

constexpr int kMaxStepsToSameBasis = 8;

// A name's observations share its key prefix: the name and its 0x00 terminator.
std::string NamePrefix(const std::string& query_name) { return query_name + std::string(1, '\0'); }

}  // namespace

absl::StatusOr<RecordedObservation> CaaHistory::Record(const CaaObservationRecord& observation,
                                                       absl::Duration max_gap) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<RecordedObservation> recorded,
                            RecordAll({observation}, max_gap));
  return recorded.front();
}

absl::StatusOr<std::vector<RecordedObservation>> CaaHistory::RecordAll(
    const std::vector<CaaObservationRecord>& observations, absl::Duration max_gap) {
  CAAWATCH_RETURN_IF_ERROR(db_->CheckWritable());
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
  absl::MutexLock lock(&mu_);
  rocksdb::WriteBatch batch;
  std::vector<RecordedObservation> out(observations.size());
  // Not a range scan but one SeekForPrev per name through one iterator (see above). Prefix
  // seek mode (the family's QueryNamePrefix): a name without observations is answered by the
  // memtable's and the SSTs' prefix filters, and the seek stays within the name.
  std::unique_ptr<rocksdb::Iterator> it(
      db_->db()->NewIterator(rocksdb::ReadOptions(), db_->handle(Family::kCaaObs)));
  for (size_t i : order) {
    const CaaObservationRecord& observation = observations[i];
    const std::string prefix = NamePrefix(observation.query_name());
    it->SeekForPrev(prefix + std::string(8, '\xff'));
    // The newest observation of the same basis: a name's lookups and a followed zone's records
    // of it interleave (SCHEMA.md "Followed zones"), and each kind extends only its own. A few
    // steps back at most; past them a new observation starts, as after a gap.
    std::optional<CaaObservationRecord> found;
    std::optional<int64_t> newest_last_seen_ms;  // Of the newest observation, whatever its basis.
    for (int step = 0; step < kMaxStepsToSameBasis && it->Valid() && it->key().starts_with(prefix);
         ++step) {
      const rocksdb::Slice v = it->value();
      CAAWATCH_ASSIGN_OR_RETURN(
          CaaObservationRecord r,
          ParseRecord<CaaObservationRecord>(absl::string_view(v.data(), v.size()), "observation"));
      if (!newest_last_seen_ms) newest_last_seen_ms = r.last_seen_ms();
      if (r.basis() == observation.basis()) {
        found = std::move(r);
        break;
      }
      it->Prev();
    }
    if (found) {
      CaaObservationRecord& newest = *found;
      const bool contiguous =
          observation.first_seen_ms() - newest.last_seen_ms() <= absl::ToInt64Milliseconds(max_gap);
      if (SameAnswer(newest, observation) && contiguous) {
        newest.set_last_seen_ms(std::max(newest.last_seen_ms(), observation.last_seen_ms()));
        CAAWATCH_RETURN_IF_ERROR(FromRocks(
            batch.Put(db_->handle(Family::kCaaObs), it->key(), newest.SerializeAsString()),
            "extend observation"));
        out[i].kind = RecordedObservation::Kind::kExtended;
        continue;
      }
    }
    out[i].previous_last_seen_ms = newest_last_seen_ms;
    CAAWATCH_RETURN_IF_ERROR(FromRocks(it->status(), "scan observations"));
    CAAWATCH_RETURN_IF_ERROR(
        FromRocks(batch.Put(db_->handle(Family::kCaaObs),
                            ObservationKey(observation.query_name(), observation.first_seen_ms()),
                            observation.SerializeAsString()),
                  "record observation"));
  }
  CAAWATCH_RETURN_IF_ERROR(db_->Write(&batch, /*sync=*/true, "record observations"));
  return out;
}

absl::StatusOr<std::vector<CaaObservationRecord>> CaaHistory::Observations(
    const std::string& query_name, absl::Time from, absl::Time to) {
  std::vector<CaaObservationRecord> out;
  CAAWATCH_RETURN_IF_ERROR(Scan(
      *db_, Family::kCaaObs, KeyRange::Prefix(NamePrefix(query_name)), {},
      [&](absl::string_view, absl::string_view value) -> absl::StatusOr<ScanStep> {
        CAAWATCH_ASSIGN_OR_RETURN(CaaObservationRecord r,
                                  ParseRecord<CaaObservationRecord>(value, "observation"));
        if (r.first_seen_ms() <= ClampedMillis(to) && r.last_seen_ms() >= ClampedMillis(from)) {
          out.push_back(std::move(r));
        }
        return ScanStep::kNext;
      }));
  return out;
}

}  // namespace caawatch::store
