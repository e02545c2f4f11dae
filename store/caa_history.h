// CAA history (SCHEMA.md `caa_obs`): per query name, the answers observed, each with the span
// of time it was seen unchanged.
#ifndef CAAWATCH_STORE_CAA_HISTORY_H_
#define CAAWATCH_STORE_CAA_HISTORY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "store/database.h"
#include "store/records.pb.h"

namespace caawatch::store {

// What Record did.
struct RecordedObservation {
  enum class Kind { kExtended, kStarted };
  Kind kind = Kind::kStarted;
  // kStarted: last_seen of the newest earlier observation of the name, if any.
  std::optional<int64_t> previous_last_seen_ms;
};

class CaaHistory {
 public:
  explicit CaaHistory(Database* db) : db_(db) {}  // Borrowed.

  // Records an answer seen at `observation.last_seen_ms`: when it equals the newest stored
  // observation for its query name (same outcome, records, alias chain, DNSSEC status and TTL)
  // and that one was last seen no more than `max_gap` before, its last_seen is extended;
  // otherwise a new observation starts, so a gap in polling (downtime) stays visible as two
  // observations rather than passing for "unchanged".
  // Says which happened, so that a new observation can trigger re-evaluation.
  [[nodiscard]] absl::StatusOr<RecordedObservation> Record(const CaaObservationRecord& observation,
                                                           absl::Duration max_gap);
  // Record for many answers in one atomic, synced write (all land or none): a poll of a
  // million names costs one fsync per batch, not one per name. Results are in the order of
  // `observations`. kInvalidArgument if two of them share a query name.
  [[nodiscard]] absl::StatusOr<std::vector<RecordedObservation>> RecordAll(
      const std::vector<CaaObservationRecord>& observations, absl::Duration max_gap);
  // Observations of `query_name` overlapping [from, to], oldest first.
  [[nodiscard]] absl::StatusOr<std::vector<CaaObservationRecord>> Observations(
      const std::string& query_name, absl::Time from, absl::Time to);

 private:
  Database* const db_;
  absl::Mutex mu_;  // Serialises RecordAll's read-modify-write.
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_CAA_HISTORY_H_
