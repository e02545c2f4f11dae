// The notification flags of `run` and `notify test` (SPEC §6): --script, --hooks-dir, --email,
// --sendmail, --webhook, --iodef, each over the configuration file's `notify` key.
#ifndef CAAWATCH_CLI_NOTIFY_OPTIONS_H_
#define CAAWATCH_CLI_NOTIFY_OPTIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "CLI/App.hpp"
#include "monitor/config.h"

namespace caawatch::cli {

struct NotifyOptions {
  std::vector<std::string> scripts;
  std::optional<std::string> hooks_dir;
  std::vector<std::string> emails;
  std::optional<std::string> sendmail;
  std::vector<std::string> webhooks;
  bool iodef = false;  // --iodef: notify.iodef.enabled.
};
void AddNotifyOptions(CLI::App* app, NotifyOptions* options);

// Adds a sink per flag (default filters: every finding) after the configured ones, and sets
// hooks_dir and sendmail when given. Sinks are checked when they are built.
void ApplyNotifyOptions(const NotifyOptions& options, monitor::MonitorConfig* config);

// ${XDG_CONFIG_HOME:-$HOME/.config}/caawatch/hooks.d, as certspotter's ~/.certspotter/hooks.d;
// "" without either variable.
std::string DefaultHooksDir();

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_NOTIFY_OPTIONS_H_
