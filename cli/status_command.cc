// `caawatch status`: per log, how far caawatch has read and verified, and what went wrong last.
#include <cstdio>

#include "absl/strings/escaping.h"
#include "base/hex.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

int Status(const CommonOptions& options) {
  auto prepared = Prepare(options);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::vector<store::LogStateRecord>> states = (*store)->logs().ListStates();
  if (!states.ok()) return Fail(states.status());
  const absl::Time now = absl::Now();
  Table table({"LOG", "POSITION", "VERIFIED", "TREE SIZE", "LAG", "LAG (s)", "LAST ERROR"});
  for (const store::LogStateRecord& s : *states) {
    const uint64_t lag = s.tree_size() > s.position() ? s.tree_size() - s.position() : 0;
    const int64_t lag_seconds =
        lag == 0 || s.latest_sth_timestamp_ms() == 0
            ? 0
            : absl::ToInt64Seconds(now - absl::FromUnixMillis(s.latest_sth_timestamp_ms()));
    if (ctx.json) {
      nlohmann::json j = {{"log_id", absl::Base64Escape(s.log_id())},
                          {"url", s.url()},
                          {"description", s.description()},
                          {"position", s.position()},
                          {"verified_size", s.verified_size()},
                          {"tree_size", s.tree_size()},
                          {"lag_entries", lag},
                          {"lag_seconds", lag_seconds},
                          {"last_error", s.last_error()},
                          {"updated_at", FormatRfc3339(absl::FromUnixMillis(s.updated_ms()))}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      table.Add({s.description().empty() ? s.url() : s.description(), std::to_string(s.position()),
                 std::to_string(s.verified_size()), std::to_string(s.tree_size()),
                 std::to_string(lag), std::to_string(lag_seconds), s.last_error()});
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::puts("no logs tailed yet");
    } else {
      table.Print(stdout);
    }
  }
  return 0;
}

}  // namespace

Command AddStatusCommand(CLI::App* app) {
  CLI::App* status =
      app->add_subcommand("status", "per log: position, verified size, lag, last error");
  status->footer(
      "Per log: position (entries processed), verified tree size, latest tree size seen, lag in "
      "entries and seconds, and the last error.");
  auto options = std::make_shared<CommonOptions>();
  AddCommonOptions(status, options.get());
  return {status, [options] { return Status(*options); }};
}

}  // namespace caawatch::cli
