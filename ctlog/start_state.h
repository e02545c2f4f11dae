// Starting to tail a log somewhere other than its beginning (`--start-at end|INDEX`): the
// tailer needs the right edge of the tree at that position, which the audit path of the last
// leaf provides (RFC 6962 §2.1.1: leaf m-1 of a tree of size m has only left siblings, the
// complete subtrees of the edge).
#ifndef CAAWATCH_CTLOG_START_STATE_H_
#define CAAWATCH_CTLOG_START_STATE_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "ctlog/log_client.h"
#include "ctlog/tailer.h"

namespace caawatch::ctlog {

// The state of a tailer positioned at `position` (entries [0, position) skipped). The edge is
// trusted on first use: it is verified when the first signed root after `position` is checked,
// and a wrong edge then shows as a root mismatch. position == 0 gives the empty state.
// kDataLoss when the log's proof is malformed; kUnavailable for transport errors.
[[nodiscard]] absl::StatusOr<TailerState> StartStateAt(LogClient& client, uint64_t position);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_START_STATE_H_
