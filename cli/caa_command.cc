// `caawatch caa check|history`: evaluate CAA for names and issuers, live or against the stored
// history, and list the stored observations of a name.
#include <cstdio>

#include "absl/strings/ascii.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "caa/issuance_window.h"
#include "caa/policy.h"
#include "caa/relevant_set.h"
#include "caa/unbound_resolver.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/caa_observer.h"
#include "nlohmann/json.hpp"

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

// Exit codes of `caa check`: 0 permitted (or conditional), 1 forbidden, 2 indeterminate.
int ExitCodeFor(const std::string& verdict) {
  if (verdict == "permitted" || verdict == "permitted_conditional") return 0;
  if (verdict == "forbidden" || verdict == "likely_forbidden") return 1;
  return 2;
}

struct NameResult {
  std::string name;
  std::string verdict;
  std::string relevant_name;
  std::vector<caa::CaaRecord> records;
  std::string reason;
  std::string basis;
};

// Worst first, as for findings.
int Rank(const std::string& v) {
  static const char* const kOrder[] = {"forbidden", "likely_forbidden", "dns_indeterminate",
                                       "no_data",   "permitted_conditional", "permitted"};
  for (int i = 0; i < 6; ++i) {
    if (v == kOrder[i]) return i;
  }
  return 6;
}

std::string LiveVerdictName(caa::NameVerdict v) {
  return v == caa::NameVerdict::kIndeterminate ? "dns_indeterminate" : caa::NameVerdictName(v);
}

absl::StatusOr<caa::ResolverOptions> ResolverOptionsFrom(const CommandContext& ctx,
                                                         const Clock* clock) {
  caa::ResolverOptions options;
  options.servers = ctx.flags.Has("dns-server") ? ctx.flags.GetAll("dns-server")
                                                : ctx.config.dns_servers;
  options.dnssec = ctx.config.dnssec;
  if (ctx.flags.Has("dnssec")) {
    const std::string v = ctx.flags.Get("dnssec");
    if (v != "on" && v != "off") return absl::InvalidArgumentError("--dnssec must be on or off");
    options.dnssec = v == "on";
  }
  options.trust_anchor_file = ctx.flags.Get("trust-anchor", ctx.config.trust_anchor_file);
  options.timeout = ctx.config.dns_timeout;
  options.clock = clock;
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
  std::vector<NameResult> results;
  RealClock clock;
  if (*at) {
    absl::StatusOr<std::unique_ptr<store::FindingStore>> store = OpenStoreForReading(ctx);
    if (!store.ok()) return Fail(store.status());
    for (const std::string& name : names) {
      caa::IssuanceFacts facts{absl::AsciiStrToLower(name), issuers, **at, **at};
      absl::Status error;
      const caa::IssuanceEvaluation eval = caa::EvaluateAtIssuance(facts, [&](const std::string& q) {
        std::vector<caa::Observation> out;
        absl::StatusOr<std::vector<store::CaaObservationRecord>> records =
            (*store)->CaaHistory(q, absl::InfinitePast(), absl::InfiniteFuture());
        if (!records.ok()) {
          error = records.status();
          return out;
        }
        for (const auto& r : *records) out.push_back(monitor::FromObservationRecord(r));
        return out;
      });
      if (!error.ok()) return Fail(error);
      results.push_back({name, caa::IssuanceVerdictName(eval.verdict),
                         eval.decisive.relevant.relevant_name, eval.decisive.relevant.records,
                         eval.reason, eval.basis});
    }
  } else {
    absl::StatusOr<caa::ResolverOptions> options = ResolverOptionsFrom(ctx, &clock);
    if (!options.ok()) return Fail(options.status(), 2);
    absl::StatusOr<std::unique_ptr<caa::UnboundResolver>> resolver =
        caa::UnboundResolver::Create(*options);
    if (!resolver.ok()) return Fail(resolver.status(), 2);
    for (const std::string& name : names) {
      const std::string lower = absl::AsciiStrToLower(name);
      const std::vector<std::string> path = caa::CaaSearchPath(lower);
      const caa::RelevantSet set = caa::FindRelevantSet(
          path.empty() ? lower : path.front(),
          [&](const std::string& q) { return (*resolver)->Lookup(q); });
      const caa::NameEvaluation eval = caa::EvaluateName(lower, set, issuers);
      results.push_back({name, LiveVerdictName(eval.verdict), set.relevant_name, set.records,
                         eval.reason, "live"});
    }
  }
  std::string overall = "permitted";
  for (const NameResult& r : results) {
    if (Rank(r.verdict) < Rank(overall)) overall = r.verdict;
  }
  if (ctx.json) {
    nlohmann::json j = {{"verdict", overall}, {"issuers", issuers}, {"names", nlohmann::json::array()}};
    if (*at) j["at"] = FormatRfc3339(**at);
    for (const NameResult& r : results) {
      j["names"].push_back({{"name", r.name},
                            {"verdict", r.verdict},
                            {"relevant_name", r.relevant_name},
                            {"records", RecordsJson(r.records)},
                            {"basis", r.basis},
                            {"reason", r.reason}});
    }
    std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
  } else {
    for (const NameResult& r : results) {
      std::printf("%s: %s\n  relevant set: %s\n  records: %s\n  %s\n", r.name.c_str(),
                  r.verdict.c_str(), r.relevant_name.empty() ? "(none)" : r.relevant_name.c_str(),
                  r.records.empty() ? "(none)" : RecordsText(r.records).c_str(), r.reason.c_str());
    }
    std::printf("verdict: %s\n", overall.c_str());
  }
  return ExitCodeFor(overall);
}

int History(CommandContext& ctx, const std::vector<std::string>& names) {
  if (names.size() != 1) {
    return Fail(absl::InvalidArgumentError("caa history takes exactly one NAME"), 2);
  }
  absl::StatusOr<std::unique_ptr<store::FindingStore>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  std::string name = absl::AsciiStrToLower(names[0]);
  absl::StatusOr<std::vector<store::CaaObservationRecord>> history =
      (*store)->CaaHistory(name, absl::InfinitePast(), absl::InfiniteFuture());
  if (!history.ok()) return Fail(history.status());
  Table table({"FIRST SEEN", "LAST SEEN", "OUTCOME", "DNSSEC", "TTL", "RECORDS"});
  for (const store::CaaObservationRecord& r : *history) {
    const caa::Observation o = monitor::FromObservationRecord(r);
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
                          {"error", r.error()}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      table.Add({FormatRfc3339(o.first_seen), FormatRfc3339(o.last_seen), r.outcome(), r.dnssec(),
                 std::to_string(r.ttl()),
                 o.answer.records.empty() ? "(none)" : RecordsText(o.answer.records)});
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::printf("no CAA observations of %s\n", name.c_str());
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
      "indeterminate.\nhistory: lists the stored CAA observations of NAME.",
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
