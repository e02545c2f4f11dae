// `caawatch caa check|history`: evaluate CAA for names and issuers, live or against the stored
// history, and list the stored observations of a name.
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "base/time_text.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/caa_queries.h"
#include "monitor/verdict_names.h"
#include "names/domain_name.h"
#include "nlohmann/json.hpp"
#include "proto/finding_convert.h"

namespace caawatch::cli {
namespace {

nlohmann::json RecordsJson(const std::vector<caa::CaaRecord>& records) {
  nlohmann::json out = nlohmann::json::array();
  for (const caa::CaaRecord& r : records) {
    out.push_back({{"flags", r.flags}, {"tag", r.tag}, {"value", r.value}});
  }
  return out;
}

std::string RecordsText(const std::vector<caa::CaaRecord>& records) {
  std::vector<std::string> parts;
  for (const caa::CaaRecord& r : records) {
    parts.push_back(absl::StrCat(r.flags, " ", r.tag, " \"", r.value, "\""));
  }
  return absl::StrJoin(parts, "; ");
}

struct CheckOptions {
  CommonOptions common;
  DnsOptions dns;
  std::vector<std::string> names;
  std::vector<std::string> issuers;
  std::optional<std::string> at;
};

int Check(const CheckOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  ApplyDnsOptions(options.dns, &ctx.config);
  const std::vector<std::string>& names = options.names;
  std::vector<std::string> issuers;
  for (const std::string& i : options.issuers) {
    for (absl::string_view part : absl::StrSplit(i, ',', absl::SkipEmpty())) {
      std::string scratch;  // Compared (and shown) as the checker compares them.
      issuers.emplace_back(names::FoldCase(part, &scratch));
    }
  }
  if (names.empty() || issuers.empty()) {
    return Fail(absl::InvalidArgumentError("caa check needs NAME... and --issuer DOMAIN"), 2);
  }
  const std::optional<absl::Time> at = TimeOption(options.at);
  absl::StatusOr<std::unique_ptr<monitor::CaaCheckSession>> session =
      at ? monitor::CaaCheckSession::AgainstHistory(ctx.config)
         : monitor::CaaCheckSession::Live(ctx.config);
  // A store that cannot be opened is no usage error; a resolver that cannot be made is.
  if (!session.ok()) return Fail(session.status(), at ? 1 : 2);
  absl::StatusOr<judge::CaaCheckResult> checked = (*session)->Check(names, issuers, at);
  if (!checked.ok()) return Fail(checked.status(), 2);
  const monitor::Verdict overall = checked->verdict;
  const std::vector<judge::NameCheck>& results = checked->names;
  if (ctx.json) {
    nlohmann::json j = {{"verdict", monitor::VerdictName(overall)},
                        {"issuers", issuers},
                        {"names", nlohmann::json::array()}};
    if (at) j["at"] = FormatRfc3339Millis(*at);
    for (const judge::NameCheck& r : results) {
      j["names"].push_back({{"name", r.name},
                            {"verdict", monitor::VerdictName(r.verdict)},
                            {"relevant_name", r.relevant_name},
                            {"records", RecordsJson(r.records)},
                            {"basis", r.basis},
                            {"reason", r.reason}});
    }
    std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    for (const judge::NameCheck& r : results) {
      std::printf("%s: %s\n  relevant set: %s\n  records: %s\n  %s\n", r.name.c_str(),
                  monitor::VerdictName(r.verdict).c_str(),
                  r.relevant_name.empty() ? "(none)" : r.relevant_name.c_str(),
                  r.records.empty() ? "(none)" : RecordsText(r.records).c_str(), r.reason.c_str());
    }
    std::printf("verdict: %s\n", monitor::VerdictName(overall).c_str());
  }
  return judge::CheckExitCode(overall);
}

// The stored observations of NAME and of every name its RFC 8659 search consults (parents up
// to the TLD; "*.x" is searched from "x"), most specific first, each oldest first. Alias targets
// are part of each answer (cname_chain), as the search reads them.
struct HistoryOptions {
  CommonOptions common;
  std::string name;
};

int History(const HistoryOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  const std::vector<std::string> path = monitor::CaaSearchPath(options.name);
  if (path.empty()) {
    return Fail(absl::InvalidArgumentError(absl::StrCat("'", options.name, "' is not a DNS name")),
                2);
  }
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  Table table({"QUERY NAME", "FIRST SEEN", "LAST SEEN", "RCODE", "DNSSEC", "TTL", "RECORDS",
               "CNAME CHAIN"});
  table.set_elastic_column(6);
  for (const std::string& query_name : path) {
    absl::StatusOr<std::vector<monitor::StoredCaaObservation>> history =
        monitor::StoredCaaObservations(**store, query_name);
    if (!history.ok()) return Fail(history.status());
    for (const monitor::StoredCaaObservation& stored : *history) {
      const store::CaaObservationRecord& r = stored.record;
      const caa::Observation& o = stored.observation;
      if (ctx.json) {
        nlohmann::json j = {{"query_name", r.query_name()},
                            {"first_seen", FormatRfc3339Millis(o.first_seen)},
                            {"last_seen", FormatRfc3339Millis(o.last_seen)},
                            {"outcome", r.outcome()},
                            {"rcode", api::RcodeWord(r)},
                            {"dnssec", r.dnssec()},
                            {"ttl", r.ttl()},
                            {"records", RecordsJson(o.answer.records)},
                            {"cname_chain", o.answer.cname_chain},
                            {"error", r.error()},
                            {"raw_answer", absl::Base64Escape(r.raw_answer())}};
        std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      } else {
        table.Add(
            {r.query_name(), FormatRfc3339Millis(o.first_seen), FormatRfc3339Millis(o.last_seen),
             api::RcodeWord(r), r.dnssec(), std::to_string(r.ttl()),
             o.answer.records.empty() ? "(none)" : RecordsText(o.answer.records),
             o.answer.cname_chain.empty() ? "-" : absl::StrJoin(o.answer.cname_chain, " -> ")});
      }
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::printf("no CAA observations of %s or its search path (%s)\n", path.front().c_str(),
                  absl::StrJoin(path, ", ").c_str());
    } else {
      table.Print(stdout, OutputWidth());
    }
  }
  return 0;
}

}  // namespace

Command AddCaaCommand(CLI::App* app) {
  CLI::App* caa = app->add_subcommand(
      "caa",
      "evaluate CAA for names and issuers (check), list stored observations (history), or propose "
      "records (suggest)");
  caa->require_subcommand(1);

  CLI::App* check = caa->add_subcommand(
      "check", "evaluate CAA for names and issuer identifiers (live or --at TIME)");
  check->footer(
      "Evaluates CAA for a certificate with these SAN names (\"*.example.com\" is a wildcard) "
      "from a CA recognising these identifiers. Exit 0 permitted, 1 forbidden, 2 indeterminate.");
  auto check_options = std::make_shared<CheckOptions>();
  check->add_option("NAME", check_options->names, "SAN names of the certificate")->required();
  AddCommonOptions(check, &check_options->common);
  AddDnsOptions(check, &check_options->dns);
  AddRepeatable(check, "--issuer", &check_options->issuers, "DOMAIN",
                "CAA identifier(s) the issuing CA recognises")
      ->required();
  check
      ->add_option("--at", check_options->at,
                   "evaluate against the stored history at TIME instead of live")
      ->type_name("TIME")
      ->check(Rfc3339Time());

  CLI::App* history =
      caa->add_subcommand("history", "stored CAA observations for NAME and its search path");
  history->footer(
      "Lists the stored CAA observations of NAME and of every name its search consults (parents "
      "up to the TLD), with rcode, DNSSEC status, TTL, records and CNAME chain; --json adds the "
      "raw answer (base64).");
  auto history_options = std::make_shared<HistoryOptions>();
  history->add_option("NAME", history_options->name, "a DNS name")->required();
  AddCommonOptions(history, &history_options->common);

  return {caa, RunParsed({{check, [check_options] { return Check(*check_options); }},
                          {history, [history_options] { return History(*history_options); }},
                          AddCaaSuggestCommand(caa)})};
}

}  // namespace caawatch::cli
