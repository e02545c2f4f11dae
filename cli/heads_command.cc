// `caawatch heads`: each log's latest verified tree head as a signed note (SPEC §9), for another
// caawatch's `heads compare` or any witness-aware tool.
#include <cstdio>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "cli/commands.h"
#include "cli/context.h"
#include "monitor/head_notes.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

int Heads(const CommonOptions& options, const std::string& log_url) {
  std::variant<CommandContext, int> prepared = Prepare(options);
  if (const int* code = std::get_if<int>(&prepared)) return *code;
  const CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::vector<monitor::HeadNote>> heads =
      monitor::LatestHeadNotes(store->get(), log_url);
  if (!heads.ok()) return Fail(heads.status());
  bool first = true;
  for (const monitor::HeadNote& head : *heads) {
    // Notes one after the other, a blank line between: a note's own blank line is followed by
    // its signature lines ("— "), never by another blank line.
    if (ctx.json) {
      const nlohmann::json line = {{"log_url", head.log_url},
                                   {"description", head.description},
                                   {"tree_size", head.tree_size},
                                   {"note", head.note}};
      std::puts(line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      continue;
    }
    if (!first) std::fputs("\n", stdout);
    first = false;
    std::fputs(head.note.c_str(), stdout);
  }
  if (heads->empty()) {
    std::fputs(log_url.empty() ? "caawatch: no verified head of any log yet\n"
                               : "caawatch: no verified head of that log yet\n",
               stderr);
    return 1;
  }
  return 0;
}

}  // namespace

Command AddHeadsCommand(CLI::App* app) {
  CLI::App* heads = app->add_subcommand(
      "heads", "each log's latest verified tree head as a signed note (checkpoint)");
  heads->footer(
      "Prints, for each log in the store, the latest tree head caawatch verified, as a signed "
      "note (c2sp.org/signed-note, tlog-checkpoint) with the log's own signature: a tiled log's "
      "checkpoint as it served it, an RFC 6962 STH as a note whose origin is the log URL without "
      "scheme and trailing '/' and whose signature line is an RFC6962NoteSignature (the STH's "
      "timestamp and signature, as static-ct-api signs checkpoints). Notes are separated by a "
      "blank line; --json: one object a line (log_url, description, tree_size, note). Exit 1 "
      "when there is no verified head yet.");
  auto options = std::make_shared<CommonOptions>();
  auto log_url = std::make_shared<std::string>();
  AddCommonOptions(heads, options.get());
  heads->add_option("--log", *log_url, "only the log with this URL (as in `caawatch status`)")
      ->type_name("URL");
  return {heads, [options, log_url] { return Heads(*options, *log_url); }};
}

}  // namespace caawatch::cli
