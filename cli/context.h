// What every command resolves first, once CLI11 has parsed its options: the configuration (file
// over defaults, flags over file), the data directory, and the store opened for the command's
// needs.
#ifndef CAAWATCH_CLI_CONTEXT_H_
#define CAAWATCH_CLI_CONTEXT_H_

#include <memory>
#include <optional>
#include <string>
#include <variant>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "base/log.h"
#include "cli/options.h"
#include "monitor/config.h"
#include "monitor/store_access.h"

namespace caawatch::cli {

struct CommandContext {
  monitor::MonitorConfig config;
  bool json = false;
};

// Loads the config (--config over the defaults, --data-dir over it). Returns the exit code to
// end with instead of a context when the command should stop (2: the file cannot be used).
std::variant<CommandContext, int> Prepare(const CommonOptions& options);
// The configuration Prepare loads, as a status (kInvalidArgument naming the file and key; the
// file's errors as ReadBoundedFile); `file_text` (may be null) gets the file's text, "" without
// --config. `caawatch run` calls it again on SIGHUP.
absl::StatusOr<monitor::MonitorConfig> LoadConfig(const CommonOptions& options,
                                                  std::string* file_text = nullptr);

// Opens the store of `context` for reading while `caawatch run` may hold it for writing.
// kNotFound with a clear message if there is no store yet; other errors as store::Store::Open.
absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForReading(const CommandContext& context);
// Opens (creating it if needed) the store for writing, after making the data directory private
// (cli/data_dir.h; what was changed goes to `logger`, else to stderr). kUnavailable only when
// another process holds the store (store::Store::Open).
absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForWriting(const CommandContext& context,
                                                                  const Logger* logger = nullptr);

// Prints "caawatch: <message>" to stderr and returns `exit_code`.
int Fail(const absl::Status& status, int exit_code = 1);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_CONTEXT_H_
