#include "cli/context.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "cli/data_dir.h"
#include "cli/notify_options.h"

namespace caawatch::cli {
namespace {

// $XDG_DATA_HOME/caawatch, else $HOME/.local/share/caawatch, else ./caawatch-data.
std::string DefaultDataDir() {
  if (const char* xdg = std::getenv("XDG_DATA_HOME"); xdg != nullptr && *xdg != '\0') {
    return absl::StrCat(xdg, "/caawatch");
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && *home != '\0') {
    return absl::StrCat(home, "/.local/share/caawatch");
  }
  return "caawatch-data";
}

// A configuration is a page of JSON; its `watch` list may hold some thousands of names (a long
// list belongs in a watchlist file).
constexpr size_t kMaxConfigFileBytes = size_t{4} << 20;

}  // namespace

int Fail(const absl::Status& status, int exit_code) {
  // Every byte of the message: a NUL inside must not cut it (inputs are quoted escaped anyway).
  const std::string line = absl::StrCat("caawatch: ", status.message(), "\n");
  std::fwrite(line.data(), 1, line.size(), stderr);
  return exit_code;
}

absl::StatusOr<monitor::MonitorConfig> LoadConfig(const CommonOptions& options,
                                                  std::string* file_text) {
  monitor::MonitorConfig defaults;
  defaults.data_dir = DefaultDataDir();
  defaults.notify.hooks_dir = DefaultHooksDir();
  monitor::MonitorConfig config = defaults;
  if (options.config) {
    CAAWATCH_ASSIGN_OR_RETURN(std::string text,
                              ReadBoundedFile(*options.config, kMaxConfigFileBytes, "--config"));
    absl::StatusOr<monitor::MonitorConfig> parsed = monitor::ParseConfig(text, defaults);
    if (!parsed.ok()) return Annotate(parsed.status(), QuoteInput(*options.config));
    config = std::move(*parsed);
    if (file_text != nullptr) *file_text = std::move(text);
  }
  if (options.data_dir) config.data_dir = *options.data_dir;
  return config;
}

std::variant<CommandContext, int> Prepare(const CommonOptions& options) {
  CommandContext context;
  context.json = options.json;
  absl::StatusOr<monitor::MonitorConfig> config = LoadConfig(options);
  if (!config.ok()) return Fail(config.status(), 2);
  context.config = std::move(*config);
  return context;
}

absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForReading(const CommandContext& context) {
  return monitor::OpenStoreForReading(context.config.data_dir);
}

absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForWriting(const CommandContext& context,
                                                                  const Logger* logger) {
  const std::string& dir = context.config.data_dir;
  if (const std::string notice = PrepareDataDir(dir); !notice.empty()) {
    if (logger != nullptr) {
      logger->Log(LogLevel::kWarning, "store", notice);
    } else {
      std::fprintf(stderr, "caawatch: warning: %s\n", notice.c_str());
    }
  }
  // The store's errors say what they are (locked, damaged, read-only, permission denied).
  return monitor::OpenStoreForWriting(dir);
}

}  // namespace caawatch::cli
