// Notification sinks' cursors (SCHEMA.md, meta `sink/` keys): per sink, the last finding seq it
// finished, so a sink that is down for a day keeps a position in the store, not a queue.
#ifndef CAAWATCH_STORE_SINK_CURSORS_H_
#define CAAWATCH_STORE_SINK_CURSORS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "store/database.h"
#include "store/records.pb.h"

namespace caawatch::store {

class SinkCursors {
 public:
  explicit SinkCursors(Database* db) : db_(db) {}  // Borrowed.

  // The cursor of `sink_id`, if the sink ever had one.
  [[nodiscard]] absl::StatusOr<std::optional<SinkCursorRecord>> Get(const std::string& sink_id);
  // Writes the cursor under its sink_id (kInvalidArgument without one). `sync` makes it survive
  // a power cut; without it a crash of the process still keeps it (it is in the WAL), and
  // losing it costs at most a repeated delivery, never a lost one.
  [[nodiscard]] absl::Status Put(const SinkCursorRecord& cursor, bool sync);
  // Every cursor, by sink id (`caawatch notify status`).
  [[nodiscard]] absl::StatusOr<std::vector<SinkCursorRecord>> List();

 private:
  Database* const db_;
};

}  // namespace caawatch::store

#endif  // CAAWATCH_STORE_SINK_CURSORS_H_
