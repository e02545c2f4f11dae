// Revocation follow-up records (SCHEMA.md meta `revocation/` + tbs_sha256): one per followed
// finding, written by the follower, read by `cert`, the API and `findings --json`.
#ifndef CAAWATCH_STORE_REVOCATIONS_H_
#define CAAWATCH_STORE_REVOCATIONS_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/revocation.pb.h"

namespace caawatch::store {

class Revocations {
 public:
  explicit Revocations(Database* db) : db_(db) {}  // Borrowed.

  // The record of the finding whose tbs_sha256 is `tbs_sha256`, if it was ever followed.
  [[nodiscard]] absl::StatusOr<std::optional<RevocationRecord>> Get(const std::string& tbs_sha256);
  // Writes `record` under its tbs_sha256 (kInvalidArgument without one). `sync`: wait for the
  // disk (a first sight of revocation must survive a power cut; a routine check need not).
  [[nodiscard]] absl::Status Put(const RevocationRecord& record, bool sync);

  // The follower's round summary (meta `revocation_status`); empty before the first round.
  [[nodiscard]] absl::StatusOr<RevocationFollowerRecord> GetFollowerStatus();
  // Rewrites it, not synced (the next round writes it again).
  [[nodiscard]] absl::Status PutFollowerStatus(const RevocationFollowerRecord& status);

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_REVOCATIONS_H_
