// Followed zones' records (issue 18; SCHEMA.md meta `zone_status/` and `zone_copy/` keys): per
// zone, how the running monitor last fared with it, so that `status` and the health check read
// what the follower knows without asking the process; and the copy the follower holds, so that
// a restart continues with IXFR from its serial.
#ifndef CAAWATCH_STORE_FOLLOWED_ZONES_H_
#define CAAWATCH_STORE_FOLLOWED_ZONES_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/records.pb.h"

namespace caawatch::store {

class FollowedZones {
 public:
  explicit FollowedZones(Database* db) : db_(db) {}  // Borrowed.

  // Replaces the zone's status record (kInvalidArgument without a zone). Not synced: it is
  // rewritten at every refresh, and a lost one only shows an older state until the next.
  [[nodiscard]] absl::Status PutStatus(const ZoneStatusRecord& status);
  // Every zone's status record, by zone name.
  [[nodiscard]] absl::StatusOr<std::vector<ZoneStatusRecord>> ListStatus();
  // Removes the records of zones not in `followed` (a zone taken out of the configuration is
  // no longer shown as expiring).
  [[nodiscard]] absl::Status RetainOnly(const std::vector<std::string>& followed);

  // Replaces the zone's saved copy (kInvalidArgument without a zone); synced, as the history
  // records it goes with are.
  [[nodiscard]] absl::Status PutCopy(const ZoneCopyRecord& copy);
  // The zone's saved copy, if any.
  [[nodiscard]] absl::StatusOr<std::optional<ZoneCopyRecord>> GetCopy(const std::string& zone);

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_FOLLOWED_ZONES_H_
