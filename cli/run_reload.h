// `caawatch run` on SIGHUP: reads the configuration file and the watchlist file again and puts
// in force what can change without a restart, the static watch entries (config keys `watch`
// and `watchlist_file`, and the watchlist file's lines). Every other key that changed is named
// in a warning: it takes effect at the next start. A file that cannot be used is an error in
// the log and changes nothing: the monitor goes on with what it had.
#ifndef CAAWATCH_CLI_RUN_RELOAD_H_
#define CAAWATCH_CLI_RUN_RELOAD_H_

#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "base/log.h"
#include "monitor/config.h"
#include "monitor/supervisor.h"

namespace caawatch::cli {

// The configuration keys a reload puts in force; the README's systemd section lists them too.
inline constexpr const char* kReloadableKeys[] = {"watch", "watchlist_file"};

// The top-level keys whose values differ between two configuration files' texts (comments
// allowed; "" is an empty configuration), leaving out kReloadableKeys, in name order.
// kInvalidArgument when a text is not a JSON object.
absl::StatusOr<std::vector<std::string>> KeysNeedingRestart(const std::string& running_text,
                                                            const std::string& new_text);

struct ReloadSource {
  // The configuration as at start: the file again, then the command's flags; sets `file_text`
  // to the file's text ("" without a file).
  std::function<absl::StatusOr<monitor::MonitorConfig>(std::string* file_text)> load;
  std::string running_text;  // The configuration file's text the monitor started with.
};

// Reloads (see the file comment) and logs what it did; never fails the monitor.
void ReloadRun(const ReloadSource& source, monitor::Supervisor* supervisor, const Logger& logger);

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_RUN_RELOAD_H_
