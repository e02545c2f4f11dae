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
#include "caa/relevant_set.h"
#include "caa/unbound_resolver.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "judge/caa_check.h"
#include "judge/caa_observer.h"
#include "nlohmann/json.hpp"
#include "store/verdict.h"

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

absl::StatusOr<caa::ResolverOptions> ResolverOptionsFrom(const CommandContext& ctx) {
  caa::ResolverOptions options;
  options.servers =
      ctx.flags.Has("dns-server") ? ctx.flags.GetAll("dns-server") : ctx.config.dns_servers;
  options.dnssec = ctx.config.dnssec;
  if (ctx.flags.Has("dnssec")) {
    const std::string v = ctx.flags.Get("dnssec");
    if (v != "on" && v != "off") return absl::InvalidArgumentError("--dnssec must be on or off");
    options.dnssec = v == "on";
  }
  options.trust_anchor_file = ctx.flags.Get("trust-anchor", ctx.config.trust_anchor_file);
  options.timeout = ctx.config.dns_timeout;
  options.retries = ctx.config.dns_retries;
  options.tcp_fallback = ctx.config.dns_tcp_fallback;
  return options;
}

int Check(CommandContext& ctx, const std::vector<std::string>& names) {
  std::vector<std::string> issuers;
  for (const std::string& i : ctx.flags.GetAll("issuer")) {
    for (absl::string_view part : absl::StrSplit(i, ',', absl::SkipEmpty())) {
      issuers.push_back(absl::AsciiStrToLower(part));
    }
  }
  if (names.empty() || issuers.empty()) {
    return Fail(absl::InvalidArgumentError("caa check needs NAME... and --issuer DOMAIN"), 2);
  }
  absl::StatusOr<std::optional<absl::Time>> at = ctx.flags.GetTime("at");
  if (!at.ok()) return Fail(at.status(), 2);
  RealClock clock;
  std::unique_ptr<caa::UnboundResolver> resolver;
  std::unique_ptr<store::Store> store;
  if (*at) {
    absl::StatusOr<std::unique_ptr<store::Store>> opened = OpenStoreForReading(ctx);
    if (!opened.ok()) return Fail(opened.status());
    store = std::move(*opened);
  } else {
    absl::StatusOr<caa::ResolverOptions> options = ResolverOptionsFrom(ctx);
    if (!options.ok()) return Fail(options.status(), 2);
    absl::StatusOr<std::unique_ptr<caa::UnboundResolver>> created =
        caa::UnboundResolver::Create(*options, &clock);
    if (!created.ok()) return Fail(created.status(), 2);
    resolver = std::move(*created);
  }
  judge::CaaChecker checker(resolver.get(), store.get());
  absl::StatusOr<judge::CaaCheckResult> checked = checker.CheckNames(names, issuers, *at);
  if (!checked.ok()) return Fail(checked.status(), 2);
  const store::Verdict overall = checked->verdict;
  const std::vector<judge::NameCheck>& results = checked->names;
  if (ctx.json) {
    nlohmann::json j = {{"verdict", store::VerdictName(overall)},
                        {"issuers", issuers},
                        {"names", nlohmann::json::array()}};
    if (*at) j["at"] = FormatRfc3339(**at);
    for (const judge::NameCheck& r : results) {
      j["names"].push_back({{"name", r.name},
                            {"verdict", store::VerdictName(r.verdict)},
                            {"relevant_name", r.relevant_name},
                            {"records", RecordsJson(r.records)},
                            {"basis", r.basis},
                            {"reason", r.reason}});
    }
    std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    for (const judge::NameCheck& r : results) {
      std::printf("%s: %s\n  relevant set: %s\n  records: %s\n  %s\n", r.name.c_str(),
                  store::VerdictName(r.verdict).c_str(),
                  r.relevant_name.empty() ? "(none)" : r.relevant_name.c_str(),
                  r.records.empty() ? "(none)" : RecordsText(r.records).c_str(), r.reason.c_str());
    }
    std::printf("verdict: %s\n", store::VerdictName(overall).c_str());
  }
  return judge::CheckExitCode(overall);
}

// The stored observations of NAME and of every name its RFC 8659 search consults (parents up
// to the TLD; "*.x" is searched from "x"), most specific first, each oldest first. Alias targets
// are part of each answer (cname_chain), as the search reads them.
int History(CommandContext& ctx, const std::vector<std::string>& names) {
  if (names.size() != 1) {
    return Fail(absl::InvalidArgumentError("caa history takes exactly one NAME"), 2);
  }
  const std::vector<std::string> path = caa::SearchNames(names[0]);
  if (path.empty()) {
    return Fail(absl::InvalidArgumentError(absl::StrCat("'", names[0], "' is not a DNS name")), 2);
  }
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  Table table({"QUERY NAME", "FIRST SEEN", "LAST SEEN", "RCODE", "DNSSEC", "TTL", "RECORDS",
               "CNAME CHAIN"});
  for (const std::string& query_name : path) {
    absl::StatusOr<std::vector<store::CaaObservationRecord>> history =
        (*store)->caa_history().Observations(query_name, absl::InfinitePast(),
                                             absl::InfiniteFuture());
    if (!history.ok()) return Fail(history.status());
    for (const store::CaaObservationRecord& r : *history) {
      const caa::Observation o = judge::FromObservationRecord(r);
      if (ctx.json) {
        nlohmann::json j = {{"query_name", r.query_name()},
                            {"first_seen", FormatRfc3339(o.first_seen)},
                            {"last_seen", FormatRfc3339(o.last_seen)},
                            {"outcome", r.outcome()},
                            {"rcode", r.rcode()},
                            {"dnssec", r.dnssec()},
                            {"ttl", r.ttl()},
                            {"records", RecordsJson(o.answer.records)},
                            {"cname_chain", o.answer.cname_chain},
                            {"error", r.error()},
                            {"raw_answer", absl::Base64Escape(r.raw_answer())}};
        std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      } else {
        table.Add(
            {r.query_name(), FormatRfc3339(o.first_seen), FormatRfc3339(o.last_seen), r.outcome(),
             r.dnssec(), std::to_string(r.ttl()),
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
      table.Print(stdout);
    }
  }
  return 0;
}

}  // namespace

int CaaCommand(const Args& args) {
  std::vector<FlagSpec> specs = CommonFlags();
  for (FlagSpec& s : DnsFlags()) specs.push_back(std::move(s));
  specs.push_back({"issuer", "DOMAIN", "CAA identifier(s) the issuing CA recognises", true});
  specs.push_back({"at", "TIME", "evaluate against the stored history at TIME instead of live"});
  FlagParser parser(
      "caa", "check NAME... --issuer DOMAIN... [--at TIME] | history NAME",
      "check: evaluates CAA for a certificate with these SAN names (\"*.example.com\" is a "
      "wildcard) from a CA recognising these identifiers. Exit 0 permitted, 1 forbidden, 2 "
      "indeterminate.\nhistory: lists the stored CAA observations of NAME and of every name its "
      "search consults (parents up to the TLD), with rcode, DNSSEC status, TTL, records and "
      "CNAME chain; --json adds the raw answer (base64).",
      specs);
  auto prepared = Prepare(parser, args);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  const std::vector<std::string>& pos = ctx.flags.positional();
  if (pos.empty()) return Fail(absl::InvalidArgumentError("caa needs check or history"), 2);
  const std::vector<std::string> rest(pos.begin() + 1, pos.end());
  if (pos[0] == "check") return Check(ctx, rest);
  if (pos[0] == "history") return History(ctx, rest);
  return Fail(absl::InvalidArgumentError(absl::StrCat("unknown caa subcommand '", pos[0], "'")), 2);
}

}  // namespace caawatch::cli
