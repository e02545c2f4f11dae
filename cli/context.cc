#include "cli/context.h"

#include <cstdio>
#include <cstdlib>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "cli/data_dir.h"

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

std::variant<CommandContext, int> Prepare(const FlagParser& parser, const Args& args) {
  absl::StatusOr<ParsedFlags> flags = parser.Parse(args);
  if (!flags.ok()) {
    if (absl::IsCancelled(flags.status())) {
      std::fputs(parser.Usage().c_str(), stdout);
      return 0;
    }
    return Fail(flags.status(), 2);
  }
  CommandContext context;
  context.flags = std::move(*flags);
  context.json = context.flags.Has("json");
  monitor::MonitorConfig defaults;
  defaults.data_dir = DefaultDataDir();
  if (context.flags.Has("config")) {
    absl::StatusOr<std::string> text =
        ReadBoundedFile(context.flags.Get("config"), kMaxConfigFileBytes, "--config");
    if (!text.ok()) return Fail(text.status(), 2);
    absl::StatusOr<monitor::MonitorConfig> config = monitor::ParseConfig(*text, defaults);
    if (!config.ok()) {
      return Fail(Annotate(config.status(), QuoteInput(context.flags.Get("config"))), 2);
    }
    context.config = std::move(*config);
  } else {
    context.config = defaults;
  }
  if (context.flags.Has("data-dir")) context.config.data_dir = context.flags.Get("data-dir");
  return context;
}

absl::StatusOr<std::unique_ptr<store::Store>> OpenStoreForReading(const CommandContext& context) {
  store::OpenOptions options;
  options.read_only = true;
  return store::Store::Open(context.config.data_dir, options);
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
  return store::Store::Open(dir);
}

}  // namespace caawatch::cli
