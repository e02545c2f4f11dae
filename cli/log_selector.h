// Which log `findings --log LOG` means: its base64 log ID, its URL (a trailing '/' or none) or
// its description (case-insensitive), as `caawatch status` lists the logs the store knows.
#ifndef CAAWATCH_CLI_LOG_SELECTOR_H_
#define CAAWATCH_CLI_LOG_SELECTOR_H_

#include <string>

#include "absl/status/statusor.h"
#include "monitor/store_access.h"

namespace caawatch::cli {

// The raw log ID. A well-formed base64 log ID is taken as it is, known to the store or not.
// kInvalidArgument, listing the known logs, when nothing matches or a description is shared.
absl::StatusOr<std::string> ResolveLogId(store::Store& store, const std::string& given);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_LOG_SELECTOR_H_
