// Stored inclusion evidence of findings' log entries (SCHEMA.md meta `proof/` + log ID + BE64
// index, and `proof_cursor`), written by the proof keeper (tail/proof_keeper.h), read by
// `caawatch evidence` and `caawatch status`.
#ifndef CAAWATCH_STORE_ENTRY_PROOFS_H_
#define CAAWATCH_STORE_ENTRY_PROOFS_H_

#include <cstdint>
#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/entry_proof.pb.h"

namespace caawatch::store {

class EntryProofs {
 public:
  explicit EntryProofs(Database* db) : db_(db) {}  // Borrowed.

  // The record of entry `index` of the log `log_id` (32 bytes), if one was stored.
  [[nodiscard]] absl::StatusOr<std::optional<EntryProofRecord>> Get(const std::string& log_id,
                                                                    uint64_t index);
  // Writes `record` under its log ID and index, synced: it may be the only copy left of what
  // the log served. kInvalidArgument without a 32-byte log ID.
  [[nodiscard]] absl::Status Put(const EntryProofRecord& record);

  // The keeper's cursor; a default record (cursor 0) when none was written yet.
  [[nodiscard]] absl::StatusOr<ProofCursorRecord> GetCursor();
  // Not synced: a cursor taken back by a power cut only makes the keeper look again.
  [[nodiscard]] absl::Status PutCursor(const ProofCursorRecord& cursor);

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_ENTRY_PROOFS_H_
