// `caawatch findings` and `caawatch history NAME`: stored findings, as a table or JSON lines.
#include <algorithm>
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/finding_view.h"
#include "cli/log_selector.h"
#include "cli/table.h"
#include "cli/verdict_options.h"
#include "monitor/verdict_names.h"
#include "names/domain_name.h"
#include "proto/finding_convert.h"
#include "proto/finding_json.h"

namespace caawatch::cli {
namespace {

// The filters `findings` and `history` share.
struct QueryOptions {
  CommonOptions common;
  std::optional<std::string> since;
  std::optional<std::string> until;
  std::vector<std::string> verdicts;
  std::vector<std::string> severities;
  std::optional<uint64_t> limit;
};

void AddQueryOptions(CLI::App* app, QueryOptions* options) {
  AddCommonOptions(app, &options->common);
  app->add_option("--since", options->since,
                  "only findings recorded at or after TIME (RFC 3339, a date, or a duration "
                  "ago: 30m, 1h, 7d)")
      ->type_name("TIME")
      ->check(Rfc3339Time());
  app->add_option("--until", options->until, "only findings recorded before TIME")
      ->type_name("TIME")
      ->check(Rfc3339Time());
  AddVerdictOption(app, &options->verdicts);
  AddSeverityOption(app, &options->severities);
  app->add_option("--limit", options->limit, "at most N findings (default 1000)")
      ->type_name("N")
      ->check(NonNegativeInteger());
}

absl::StatusOr<store::FindingQuery> QueryFromFlags(const QueryOptions& flags) {
  store::FindingQuery query;
  if (const std::optional<absl::Time> since = TimeOption(flags.since)) query.since = *since;
  if (const std::optional<absl::Time> until = TimeOption(flags.until)) query.until = *until;
  if (flags.limit) query.limit = *flags.limit;
  // The options' checks passed: every name is one of SPEC §2's.
  query.verdicts = SplitNames(flags.verdicts);
  query.severities = SplitNames(flags.severities);
  return query;
}

// The hash `caawatch cert` finds a finding by, cut to the 16 hex digits it takes as a prefix:
// the TBS hash (one for a precertificate and its certificate), or a malformed entry's leaf
// hash; "-" for a log's misbehaviour. JSON has them whole.
std::string CertHash(const store::FindingRecord& f) {
  constexpr size_t kShownBytes = 8;
  const std::string& raw = !f.tbs_sha256().empty() ? f.tbs_sha256() : f.leaf_hash();
  if (raw.empty()) return "-";
  return HexEncode(
      std::vector<uint8_t>(raw.begin(), raw.begin() + std::min(raw.size(), kShownBytes)));
}

// "no_data (forbidden)": a no_data finding's severity comes from its retrospective verdict,
// which the table must not leave to a reason that may be shortened. The name the reason leads
// with (the worst) gives it.
std::string VerdictCell(const v1::Finding& f) {
  const std::string verdict = api::VerdictName(f.verdict());
  if (f.verdict() != v1::NO_DATA) return verdict;
  for (const v1::CaaEvaluation& c : f.caa()) {
    if (c.retrospective_verdict() != v1::VERDICT_UNSPECIFIED &&
        absl::StartsWith(f.reason(), c.name() + ": ")) {
      return absl::StrCat(verdict, " (", api::VerdictName(c.retrospective_verdict()), ")");
    }
  }
  return verdict;
}

void PrintFindings(store::Store& store, const std::vector<store::FindingRecord>& findings,
                   bool json) {
  if (json) {
    for (const store::FindingRecord& f : findings) {
      std::puts(api::FindingToJson(FindingView(store, f)).c_str());
    }
    return;
  }
  Table table(
      {"SEQ", "SEVERITY", "VERDICT", "WATCHED NAMES", "ISSUER", "RECORDED", "HASH", "REASON"});
  table.set_elastic_column(7);
  for (const store::FindingRecord& f : findings) {
    const std::string issuer =
        monitor::HasKind(f, monitor::FindingKind::kLogMisbehaviour)
            ? "-"
            : (f.issuer().ca_owner().empty() ? f.issuer().dn() : f.issuer().ca_owner());
    table.Add({std::to_string(f.seq()), f.severity(), VerdictCell(api::ToApiFinding(f)),
               absl::StrJoin(f.watched_names(), ","), issuer,
               FormatRfc3339Millis(absl::FromUnixMillis(f.recorded_ms())), CertHash(f),
               f.reason()});
  }
  if (table.empty()) {
    std::puts("no findings");
  } else {
    table.Print(stdout, OutputWidth());
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
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  if (options.log) {
    absl::StatusOr<std::string> log_id = ResolveLogId(**store, *options.log);
    if (!log_id.ok()) return Fail(log_id.status(), 2);
    query->log_id = *std::move(log_id);
  }
  absl::StatusOr<std::vector<store::FindingRecord>> findings = (*store)->findings().List(*query);
  if (!findings.ok()) return Fail(findings.status());
  PrintFindings(**store, *findings, ctx.json);
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
  // The watchlist's spelling: ".example.com" is the subtree, trailing dots go.
  absl::string_view text = options.name;
  while (absl::ConsumeSuffix(&text, ".")) {
  }
  if (text.empty() && !options.name.empty()) {  // The watchlist's "." is no name to look up.
    return Fail(
        absl::InvalidArgumentError("\".\" is every name: `caawatch findings` lists every finding"),
        2);
  }
  const bool dotted = absl::ConsumePrefix(&text, ".");
  const bool subtree = dotted || options.subtree;
  absl::StatusOr<names::DomainName> name = names::DomainName::Parse(text);
  if (!name.ok()) return Fail(name.status(), 2);
  absl::StatusOr<std::vector<store::FindingRecord>> findings =
      (*store)->findings().ForName(name->str(), subtree, *query);
  if (!findings.ok()) return Fail(findings.status());
  PrintFindings(**store, *findings, ctx.json);
  return 0;
}

}  // namespace

Command AddFindingsCommand(CLI::App* app) {
  CLI::App* findings =
      app->add_subcommand("findings", "list findings (--verdict, --severity, --since, --log, ...)");
  findings->footer("Lists stored findings, oldest first (seq order).");
  auto options = std::make_shared<FindingsOptions>();
  AddQueryOptions(findings, &options->query);
  findings
      ->add_option("--log", options->log,
                   "only findings with an entry in this log (its URL, description or base64 ID)")
      ->type_name("LOG");
  findings->add_option("--after", options->after, "only findings with seq > SEQ")
      ->type_name("SEQ")
      ->check(NonNegativeInteger());
  return {findings, [options] { return Findings(*options); }};
}

Command AddHistoryCommand(CLI::App* app) {
  CLI::App* history =
      app->add_subcommand("history", "findings for NAME (.NAME or --subtree: everything below it)");
  history->footer("Findings for certificates naming NAME, newest first.");
  auto options = std::make_shared<HistoryOptions>();
  history->add_option("NAME", options->name, "a DNS name (.NAME: NAME and everything below)")
      ->required();
  AddQueryOptions(history, &options->query);
  history->add_flag("--subtree", options->subtree, "include every name below NAME");
  return {history, [options] { return History(*options); }};
}

}  // namespace caawatch::cli
