// Chrome's v3 CT log list (log_list_schema.json): operators, their RFC 6962 `logs` and
// static-ct-api `tiled_logs`, with keys, states and temporal intervals.
#ifndef CAAWATCH_CTLOG_LOG_LIST_H_
#define CAAWATCH_CTLOG_LOG_LIST_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// Parses a v3 list. Each log's `log_id` must equal SHA-256 of its key (kDataLoss otherwise);
// a malformed list is kInvalidArgument. A log without a state is pending.
absl::StatusOr<std::vector<LogInfo>> ParseLogList(absl::string_view json);

// Whether caawatch tails the log: usable, qualified and read-only logs (read-only logs up to
// their final size). Pending, rejected and retired logs are not tailed.
bool IsTailable(const LogInfo& log);

// Keeps the first listing of each log (by log_id) and drops the later ones, whatever their URL
// or state: one log is tailed by one worker. Returns a message per dropped listing, naming the
// log (descriptions quoted escaped), for the caller to warn with.
std::vector<std::string> MergeRepeatedLogs(std::vector<LogInfo>* logs);

const char* LogStateName(LogState state);

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_LOG_LIST_H_
