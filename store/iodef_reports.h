// The iodef reports sent per target (SCHEMA.md meta `iodef/`), for the rate limit to survive a
// restart. Bounded: a record holds at most the hourly limit of times, and Put removes the
// records of targets with no report in the last hour.
#ifndef CAAWATCH_STORE_IODEF_REPORTS_H_
#define CAAWATCH_STORE_IODEF_REPORTS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/database.h"
#include "store/iodef_reports.pb.h"

namespace caawatch::store {

class IodefReports {
 public:
  explicit IodefReports(Database* db) : db_(db) {}  // Borrowed.

  // The record of `target`, if it ever had a report that is still kept.
  [[nodiscard]] absl::StatusOr<std::optional<IodefReportsRecord>> Get(const std::string& target);
  // Writes `record` under its target (kInvalidArgument without one), and removes in the same
  // batch every other target's record whose newest report is older than `forget_before`.
  [[nodiscard]] absl::Status Put(const IodefReportsRecord& record, absl::Time forget_before);

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_IODEF_REPORTS_H_
