#include "cli/run_reload.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/status_macros.h"
#include "monitor/static_watches.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

// nlohmann throws on bad input: caught here, the one caller of its parser in this file.
absl::StatusOr<nlohmann::json> ConfigObject(const std::string& text) {
  if (text.empty()) return nlohmann::json::object();
  nlohmann::json json = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/false,
                                              /*ignore_comments=*/true);
  if (!json.is_object()) {
    return absl::InvalidArgumentError("the configuration is not a JSON object");
  }
  return json;
}

}  // namespace

absl::StatusOr<std::vector<std::string>> KeysNeedingRestart(const std::string& running_text,
                                                            const std::string& new_text) {
  CAAWATCH_ASSIGN_OR_RETURN(const nlohmann::json running, ConfigObject(running_text));
  CAAWATCH_ASSIGN_OR_RETURN(const nlohmann::json loaded, ConfigObject(new_text));
  std::set<std::string> keys;
  for (const auto& [key, value] : running.items()) keys.insert(key);
  for (const auto& [key, value] : loaded.items()) keys.insert(key);
  std::vector<std::string> changed;
  for (const std::string& key : keys) {
    if (std::find(std::begin(kReloadableKeys), std::end(kReloadableKeys), key) !=
        std::end(kReloadableKeys)) {
      continue;
    }
    const auto a = running.find(key);
    const auto b = loaded.find(key);
    const bool same = a != running.end() && b != loaded.end() && *a == *b;
    if (!same) changed.push_back(key);
  }
  return changed;
}

void ReloadRun(const ReloadSource& source, monitor::Supervisor* supervisor, const Logger& logger) {
  const auto failed = [&](const absl::Status& status) {
    logger.Log(LogLevel::kError, "reload",
               absl::StrCat("SIGHUP: reload failed, the previous configuration and watchlist "
                            "stay in force: ",
                            status.message()));
  };
  std::string text;
  absl::StatusOr<monitor::MonitorConfig> config = source.load(&text);
  if (!config.ok()) return failed(config.status());
  absl::StatusOr<std::vector<std::string>> restart = KeysNeedingRestart(source.running_text, text);
  if (!restart.ok()) return failed(restart.status());
  absl::StatusOr<monitor::RunWatches> watches = monitor::StaticWatchesForRun(*config, logger);
  if (!watches.ok()) return failed(watches.status());
  monitor::SaveRunWatchesIndex(*config, *watches, logger);
  const size_t entries = watches->list.size();
  if (absl::Status s = supervisor->ReplaceStaticWatches(std::move(watches->list)); !s.ok()) {
    return failed(s);
  }
  logger.Log(LogLevel::kInfo, "reload",
             absl::StrCat("SIGHUP: reloaded ", absl::StrJoin(kReloadableKeys, ", "),
                          " and the watchlist file: ", entries, " static watch entries in force"));
  if (!restart->empty()) {
    logger.Log(LogLevel::kWarning, "reload",
               absl::StrCat("SIGHUP: changed configuration keys that need a restart, still "
                            "running with their old values: ",
                            absl::StrJoin(*restart, ", ")));
  }
}

}  // namespace caawatch::cli
