// `caawatch findings` and `caawatch history NAME`: stored findings, as a table or JSON lines.
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/verdict_names.h"
#include "proto/finding_json.h"
#include "server/finding_convert.h"

namespace caawatch::cli {
namespace {

// The filters `findings` and `history` share.
struct QueryOptions {
  CommonOptions common;
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::vector<std::string> verdicts;
  std::optional<uint64_t> limit;
};

void AddQueryOptions(CLI::App* app, QueryOptions* options) {
  AddCommonOptions(app, &options->common);
  app->add_option("--since", options->since,
                  "only findings recorded at or after TIME (RFC 3339 or date)")
      ->type_name("TIME")
      ->check(Rfc3339Time());
  app->add_option("--until", options->until, "only findings recorded before TIME")
      ->type_name("TIME")
      ->check(Rfc3339Time());
  AddRepeatable(app, "--verdict", &options->verdicts, "VERDICT",
                "only this verdict (e.g. forbidden; a comma-separated list too)");
  app->add_option("--limit", options->limit, "at most N findings (default 1000)")
      ->type_name("N")
      ->check(NonNegativeInteger());
}

absl::StatusOr<store::FindingQuery> QueryFromFlags(const QueryOptions& flags) {
  store::FindingQuery query;
  if (const std::optional<absl::Time> since = TimeOption(flags.since)) query.since = *since;
  if (const std::optional<absl::Time> until = TimeOption(flags.until)) query.until = *until;
  if (flags.limit) query.limit = *flags.limit;
  for (const std::string& v : flags.verdicts) {
    for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipEmpty())) {
      absl::StatusOr<store::Verdict> verdict = monitor::VerdictFromName(part);
      if (!verdict.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("--verdict: unknown verdict '", part, "'"));
      }
      query.verdicts.push_back(monitor::VerdictName(*verdict));
    }
  }
  return query;
}

void PrintFindings(const std::vector<store::FindingRecord>& findings, bool json) {
  if (json) {
    for (const store::FindingRecord& f : findings) {
      std::puts(api::FindingToJson(server::ToApiFinding(f)).c_str());
    }
    return;
  }
  Table table({"SEQ", "SEVERITY", "VERDICT", "WATCHED NAMES", "ISSUER", "RECORDED", "REASON"});
  for (const store::FindingRecord& f : findings) {
    const std::string issuer =
        f.kind() == "log_misbehaviour"
            ? "-"
            : (f.issuer().ca_owner().empty() ? f.issuer().dn() : f.issuer().ca_owner());
    std::string reason = f.reason();
    if (reason.size() > 100) reason = reason.substr(0, 97) + "...";
    table.Add({std::to_string(f.seq()), f.severity(), f.verdict(),
               absl::StrJoin(f.watched_names(), ","), issuer,
               FormatRfc3339(absl::FromUnixMillis(f.recorded_ms())), reason});
  }
  if (table.empty()) {
    std::puts("no findings");
  } else {
    table.Print(stdout);
  }
}

struct FindingsOptions {
  QueryOptions query;
  std::optional<std::string> log;
  std::optional<uint64_t> after;
};

int Findings(const FindingsOptions& options) {
  auto prepared = Prepare(options.query.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<store::FindingQuery> query = QueryFromFlags(options.query);
  if (!query.ok()) return Fail(query.status(), 2);
  if (options.after) query->after_seq = *options.after;
  if (options.log) {
    std::string raw;
    if (!absl::Base64Unescape(*options.log, &raw) || raw.size() != 32) {
      return Fail(absl::InvalidArgumentError("--log: not a base64 log ID"), 2);
    }
    query->log_id = raw;
  }
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::vector<store::FindingRecord>> findings = (*store)->findings().List(*query);
  if (!findings.ok()) return Fail(findings.status());
  PrintFindings(*findings, ctx.json);
  return 0;
}

struct HistoryOptions {
  QueryOptions query;
  std::string name;
  bool subtree = false;
};

int History(const HistoryOptions& options) {
  auto prepared = Prepare(options.query.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<store::FindingQuery> query = QueryFromFlags(options.query);
  if (!query.ok()) return Fail(query.status(), 2);
  query->newest_first = true;
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  std::string name = absl::AsciiStrToLower(options.name);
  while (absl::EndsWith(name, ".")) name.pop_back();
  absl::StatusOr<std::vector<store::FindingRecord>> findings =
      (*store)->findings().ForName(name, options.subtree, *query);
  if (!findings.ok()) return Fail(findings.status());
  PrintFindings(*findings, ctx.json);
  return 0;
}

}  // namespace

Command AddFindingsCommand(CLI::App* app) {
  CLI::App* findings =
      app->add_subcommand("findings", "list findings (--verdict, --since, --until, --log)");
  findings->footer("Lists stored findings, oldest first (seq order).");
  auto options = std::make_shared<FindingsOptions>();
  AddQueryOptions(findings, &options->query);
  findings
      ->add_option("--log", options->log, "only findings with an entry in this log (base64 log ID)")
      ->type_name("LOG_ID");
  findings->add_option("--after", options->after, "only findings with seq > SEQ")
      ->type_name("SEQ")
      ->check(NonNegativeInteger());
  return {findings, [options] { return Findings(*options); }};
}

Command AddHistoryCommand(CLI::App* app) {
  CLI::App* history =
      app->add_subcommand("history", "findings for NAME (--subtree for everything below it)");
  history->footer("Findings for certificates naming NAME, newest first.");
  auto options = std::make_shared<HistoryOptions>();
  history->add_option("NAME", options->name, "a DNS name")->required();
  AddQueryOptions(history, &options->query);
  history->add_flag("--subtree", options->subtree, "include every name below NAME");
  return {history, [options] { return History(*options); }};
}

}  // namespace caawatch::cli
