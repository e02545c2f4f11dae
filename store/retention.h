// The tree-head retention rule (SCHEMA.md "Retention of tree heads") and the pruner that
// applies it in small steps: `caawatch run` runs a step now and then beside the tailers, and
// `caawatch store compact` runs whole passes on a stopped store.
#ifndef CAAWATCH_STORE_RETENTION_H_
#define CAAWATCH_STORE_RETENTION_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/database.h"
#include "store/records.pb.h"

namespace caawatch::store {

struct RetentionRule {
  // The sparse history: of the heads older than keep_all_heads_for, the first (smallest tree
  // size) of each interval of the log's signed timestamps (UTC, aligned to the epoch) stays.
  absl::Duration head_interval = absl::Hours(1);
  // Every head whose signed timestamp is this recent stays.
  absl::Duration keep_all_heads_for = absl::Hours(24);
};

struct PruneCounts {
  uint64_t examined = 0;
  uint64_t removed = 0;
};

class TreeHeadPruner {
 public:
  // `db` is borrowed. kInvalidArgument from Step for a head_interval below one second.
  TreeHeadPruner(Database* db, RetentionRule rule) : db_(db), rule_(rule) {}

  // Examines at most `max_heads` heads from where the previous step stopped and deletes those
  // the rule drops, in one write (not synced: a delete lost to a crash is redone by the next
  // pass). Returns true when it reached the end of the family: the next step starts a new pass,
  // which first reads the log states again. A head the other rules drop is looked up in the
  // findings' references (finding_refs.h), not in the findings.
  [[nodiscard]] absl::StatusOr<bool> Step(absl::Time now, size_t max_heads);
  // Steps of `max_heads` until the pass ends.
  [[nodiscard]] absl::Status RunPass(absl::Time now, size_t max_heads);

  // Since construction.
  const PruneCounts& counts() const { return counts_; }

 private:
  // Reads each log's verified size: heads at or above it stay whatever their age.
  absl::Status StartPass();
  // Rules 2 to 4 (SCHEMA.md), for a head older than the window (rule 1 is Step's); rule 5, a
  // finding's head, is asked only of the heads these drop.
  bool Keep(absl::string_view key, const TreeHeadRecord& head);

  Database* const db_;
  const RetentionRule rule_;
  PruneCounts counts_;
  bool in_pass_ = false;
  std::string cursor_;  // The next key to examine in this pass.
  absl::flat_hash_map<std::string, uint64_t> verified_size_;  // By log ID.
  std::string current_log_;                                   // The log of the last head seen...
  absl::flat_hash_set<int64_t> intervals_seen_;               // ...and its intervals kept.
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_RETENTION_H_
