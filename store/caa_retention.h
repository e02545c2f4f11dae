// Retention of CAA answers as received (SCHEMA.md "Retention of CAA observations"): the raw
// DNS packet of an observation last seen longer ago than the rule's age is dropped, unless a
// finding's evaluation used it; the observation itself (the parsed answer and its span) stays.
#ifndef CAAWATCH_STORE_CAA_RETENTION_H_
#define CAAWATCH_STORE_CAA_RETENTION_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/database.h"

namespace caawatch::store {

class RawAnswerPruner {
 public:
  // `db` is borrowed.
  RawAnswerPruner(Database* db, absl::Duration max_age) : db_(db), max_age_(max_age) {}

  // Examines at most `max_records` observations from where the previous step stopped and
  // rewrites those whose raw answer the rule drops, in one unsynced write; whether a finding
  // used one is asked of the findings' references (finding_refs.h). True at the end of a pass.
  [[nodiscard]] absl::StatusOr<bool> Step(absl::Time now, size_t max_records);
  [[nodiscard]] absl::Status RunPass(absl::Time now, size_t max_records);

  uint64_t dropped() const { return dropped_; }  // Raw answers dropped since construction.

 private:
  Database* const db_;
  const absl::Duration max_age_;
  uint64_t dropped_ = 0;
  bool in_pass_ = false;
  std::string cursor_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_CAA_RETENTION_H_
