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
#include "cli/finding_json.h"
#include "cli/table.h"
#include "server/finding_convert.h"
#include "store/verdict.h"

namespace caawatch::cli {
namespace {

std::vector<FlagSpec> QueryFlags() {
  std::vector<FlagSpec> specs = CommonFlags();
  specs.push_back({"since", "TIME", "only findings recorded at or after TIME (RFC 3339 or date)"});
  specs.push_back({"until", "TIME", "only findings recorded before TIME"});
  specs.push_back({"verdict", "VERDICT", "only this verdict (repeatable; e.g. forbidden)", true});
  specs.push_back({"limit", "N", "at most N findings (default 1000)"});
  return specs;
}

absl::StatusOr<store::FindingQuery> QueryFromFlags(const ParsedFlags& flags) {
  store::FindingQuery query;
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<absl::Time> since, flags.GetTime("since"));
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<absl::Time> until, flags.GetTime("until"));
  CAAWATCH_ASSIGN_OR_RETURN(std::optional<uint64_t> limit, flags.GetUint("limit"));
  if (since) query.since = *since;
  if (until) query.until = *until;
  if (limit) query.limit = *limit;
  for (const std::string& v : flags.GetAll("verdict")) {
    for (absl::string_view part : absl::StrSplit(v, ',', absl::SkipEmpty())) {
      absl::StatusOr<store::Verdict> verdict = store::VerdictFromName(part);
      if (!verdict.ok()) {
        return absl::InvalidArgumentError(absl::StrCat("--verdict: unknown verdict '", part, "'"));
      }
      query.verdicts.push_back(store::VerdictName(*verdict));
    }
  }
  return query;
}

void PrintFindings(const std::vector<store::FindingRecord>& findings, bool json) {
  if (json) {
    for (const store::FindingRecord& f : findings) {
      std::puts(cli::FindingToJson(server::ToApiFinding(f)).c_str());
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

}  // namespace

int FindingsCommand(const Args& args) {
  std::vector<FlagSpec> specs = QueryFlags();
  specs.push_back({"log", "LOG_ID", "only findings with an entry in this log (base64 log ID)"});
  specs.push_back({"after", "SEQ", "only findings with seq > SEQ"});
  FlagParser parser("findings", "[flags]", "Lists stored findings, oldest first (seq order).",
                    specs);
  auto prepared = Prepare(parser, args);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<store::FindingQuery> query = QueryFromFlags(ctx.flags);
  if (!query.ok()) return Fail(query.status(), 2);
  absl::StatusOr<std::optional<uint64_t>> after = ctx.flags.GetUint("after");
  if (!after.ok()) return Fail(after.status(), 2);
  if (*after) query->after_seq = **after;
  if (ctx.flags.Has("log")) {
    std::string raw;
    if (!absl::Base64Unescape(ctx.flags.Get("log"), &raw) || raw.size() != 32) {
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

int HistoryCommand(const Args& args) {
  std::vector<FlagSpec> specs = QueryFlags();
  specs.push_back({"subtree", "", "include every name below NAME"});
  FlagParser parser("history", "NAME [flags]",
                    "Findings for certificates naming NAME, newest first.", specs);
  auto prepared = Prepare(parser, args);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  if (ctx.flags.positional().size() != 1) {
    return Fail(absl::InvalidArgumentError("history takes exactly one NAME"), 2);
  }
  absl::StatusOr<store::FindingQuery> query = QueryFromFlags(ctx.flags);
  if (!query.ok()) return Fail(query.status(), 2);
  query->newest_first = true;
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  std::string name = absl::AsciiStrToLower(ctx.flags.positional()[0]);
  while (absl::EndsWith(name, ".")) name.pop_back();
  absl::StatusOr<std::vector<store::FindingRecord>> findings =
      (*store)->findings().ForName(name, ctx.flags.Has("subtree"), *query);
  if (!findings.ok()) return Fail(findings.status());
  PrintFindings(*findings, ctx.json);
  return 0;
}

}  // namespace caawatch::cli
