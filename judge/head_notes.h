// `caawatch heads` and the gRPC method ListHeads (SPEC §9): each log's latest verified tree head
// as a signed note (ctlog/head_note.h says the format), from the store. Here, below both monitor/
// (the command line's way in) and server/.
#ifndef CAAWATCH_JUDGE_HEAD_NOTES_H_
#define CAAWATCH_JUDGE_HEAD_NOTES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "store/store.h"

namespace caawatch::judge {

struct HeadNote {
  std::string log_url;
  std::string description;
  uint64_t tree_size = 0;
  std::string note;  // Ends with '\n'.
};

// The latest verified head of every log in `store` (borrowed), or only of the log whose URL is
// `log_url` when it is not empty, in log-ID order. A log with no verified signed head yet (none
// read, or started mid-way and no head verified since) has none. Errors are the store's.
[[nodiscard]] absl::StatusOr<std::vector<HeadNote>> LatestHeadNotes(store::Store* store,
                                                                    absl::string_view log_url);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_HEAD_NOTES_H_
