// `caawatch heads`: each log's latest verified tree head as a signed note (SPEC §9), for another
// caawatch's `heads compare` or any witness-aware tool.
#include <cstdio>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/time/clock.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/options.h"
#include "monitor/fork_check.h"
#include "monitor/head_notes.h"
#include "monitor/heads_compare.h"
#include "monitor/peer_heads.h"
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

// `heads compare FILE|URL|grpc://ADDR`: exit 0 when every note agrees with the local view, 1 when
// one shows a fork, 2 when the file or the store cannot be used.
int Compare(const CommonOptions& options, const std::string& file) {
  std::variant<CommandContext, int> prepared = Prepare(options);
  if (const int* code = std::get_if<int>(&prepared)) return *code;
  const CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::string> text = monitor::ReadPeerHeads(file, ctx.config);
  if (!text.ok()) return Fail(text.status(), 2);
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<monitor::HeadsComparison> compared =
      monitor::CompareHeadsWithConfig(*text, ctx.config, store->get());
  if (!compared.ok()) return Fail(compared.status());
  for (const std::string& line : compared->lines) std::puts(line.c_str());
  if (compared->lines.empty()) std::puts("no signed note in the file");
  if (compared->forks > 0) {
    std::fprintf(stderr, "caawatch: %d log(s) show a fork: see above\n", compared->forks);
    return 1;
  }
  return 0;
}

// `heads verify-fork FILE|DIR`: exit 0 when the evidence proves the fork, 1 when it does not, 2
// when the file, the log list or a witness key cannot be used (or one is missing).
int VerifyFork(const std::string& path, const std::string& log_list,
               const std::vector<std::string>& witnesses) {
  absl::StatusOr<std::string> proven =
      monitor::VerifyForkEvidence(path, log_list, witnesses, absl::Now());
  if (absl::IsInvalidArgument(proven.status())) return Fail(proven.status(), 2);
  if (!proven.ok()) return Fail(proven.status());
  std::puts(proven->c_str());
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
  CLI::App* compare = heads->add_subcommand(
      "compare", "check heads from elsewhere (another caawatch's `heads`) against this one's");
  compare->footer(
      "Verifies each note of FILE (or of the answer to an http:// or https:// URL, or of "
      "grpc://HOST:PORT: another caawatch's ListHeads, plaintext only to loopback, else TLS with "
      "the configuration's heads_peer_tls_ca and heads_peer_token_file) with its log's "
      "key (the log found by the note's origin among "
      "the configured logs), then compares it with the local verified head: the same size must "
      "have the same root, different sizes are checked with the log's consistency proof. Prints "
      "one line per note; exit 1 when a log shows a fork (both heads named). Read-only: a "
      "running monitor records forks itself from its heads_peers.");
  auto compare_options = std::make_shared<CommonOptions>();
  auto file = std::make_shared<std::string>();
  AddCommonOptions(compare, compare_options.get());
  compare
      ->add_option("FILE|URL|grpc://ADDR", *file,
                   "the output of another caawatch's `heads`, or its gRPC address")
      ->required();
  CLI::App* verify = heads->add_subcommand(
      "verify-fork", "check a log_misbehaviour finding's fork evidence offline");
  verify->footer(
      "FILE is a finding as `caawatch findings --json` prints it, or an evidence bundle's "
      "finding.json (or its directory). Both signed heads must verify with the key the log list "
      "(built in, or --log-list FILE) gives the log, never the evidence's own, and contradict "
      "each other: one size with two roots, or two sizes the stored consistency proof does not "
      "link. Makes no network request. Exit 0 when the fork is proven, 1 when not. Findings "
      "of the witness checks too: a split view (`witness` set; with --witness for that witness "
      "its cosignature on the note must verify as well) and a bad_cosignature, which needs "
      "--witness: the note must verify as the log's checkpoint and the witness's line in it "
      "must not verify with the key given (a key from the evidence itself would prove "
      "nothing).");
  auto fork_file = std::make_shared<std::string>();
  auto fork_log_list = std::make_shared<std::string>();
  auto fork_witnesses = std::make_shared<std::vector<std::string>>();
  verify->add_option("FILE|DIR", *fork_file, "the finding (JSON) or its bundle's directory")
      ->required();
  verify
      ->add_option("--log-list", *fork_log_list,
                   "the log list (v3 JSON file) whose keys are trusted (default: the list built "
                   "into caawatch)")
      ->type_name("FILE");
  AddRepeatable(verify, "--witness", fork_witnesses.get(), "VKEY",
                "a witness's cosigner key as its operator publishes it (NAME+KEYID+BASE64); "
                "needed for a bad_cosignature finding");
  return {heads, [options, log_url, compare, compare_options, file, verify, fork_file,
                  fork_log_list, fork_witnesses] {
            if (compare->parsed()) return Compare(*compare_options, *file);
            if (verify->parsed()) return VerifyFork(*fork_file, *fork_log_list, *fork_witnesses);
            return Heads(*options, *log_url);
          }};
}

}  // namespace caawatch::cli
