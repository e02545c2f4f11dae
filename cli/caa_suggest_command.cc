// `caawatch caa suggest NAME [--days N]` (SPEC §8): the CAA records that permit exactly the CAs
// seen issuing for NAME and below, beside the records in force, with a warning for each CA
// those records would stop at renewal.
#include <cstdio>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/clock.h"
#include "base/time_text.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/options.h"
#include "monitor/caa_advice.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

struct SuggestOptions {
  CommonOptions common;
  std::string name;
  int days = 90;
};

// Presentation format (RFC 8659 §4.1.1): the value quoted, with the RFC 1035 escapes.
std::string RecordText(const caa::CaaRecord& r) {
  return absl::StrCat(r.flags, " ", r.tag, " \"", absl::CHexEscape(r.value), "\"");
}

nlohmann::json RecordsJson(const std::vector<caa::CaaRecord>& records) {
  nlohmann::json out = nlohmann::json::array();
  for (const caa::CaaRecord& r : records) {
    out.push_back({{"flags", r.flags}, {"tag", r.tag}, {"value", r.value}});
  }
  return out;
}

std::string InForceText(const monitor::CaaAdvice& a) {
  switch (a.in_force.outcome) {
    case caa::RelevantSetOutcome::kFound:
      return absl::StrCat("at ", a.in_force.relevant_name, ", last seen ",
                          FormatRfc3339Millis(a.in_force_seen));
    case caa::RelevantSetOutcome::kNone:
      return "none: no CAA record on the search path, every CA may issue";
    case caa::RelevantSetOutcome::kIndeterminate:
      break;
  }
  return absl::StrCat("unknown (", a.in_force.reason, ")");
}

nlohmann::json AdviceJson(const monitor::CaaAdvice& a, int days) {
  nlohmann::json cas = nlohmann::json::array();
  for (const judge::IssuingCa& ca : a.suggestion.cas) {
    cas.push_back({{"ca", ca.ca},
                   {"identifier", ca.identifier},
                   {"certificates", ca.certificates},
                   {"plain", ca.plain},
                   {"wildcard", ca.wildcard},
                   {"last_issued", FormatRfc3339Millis(ca.last_issued)}});
  }
  nlohmann::json warnings = nlohmann::json::array();
  for (const judge::RenewalWarning& w : a.warnings) {
    warnings.push_back({{"ca", w.ca},
                        {"identifier", w.identifier},
                        {"name", w.name},
                        {"last_issued", FormatRfc3339Millis(w.last_issued)},
                        {"reason", w.reason}});
  }
  const char* outcome = a.in_force.outcome == caa::RelevantSetOutcome::kFound  ? "found"
                        : a.in_force.outcome == caa::RelevantSetOutcome::kNone ? "none"
                                                                               : "indeterminate";
  return {{"name", a.name},
          {"days", days},
          {"since", FormatRfc3339Millis(a.since)},
          {"certificates", a.certificates},
          {"cas", cas},
          {"suggested", RecordsJson(a.suggestion.records)},
          {"in_force",
           {{"outcome", outcome},
            {"relevant_name", a.in_force.relevant_name},
            {"records", RecordsJson(a.in_force.records)},
            {"reason", a.in_force.reason}}},
          {"warnings", warnings},
          {"looked_up_now", a.looked_up_now}};
}

void PrintAdvice(const monitor::CaaAdvice& a, int days) {
  std::printf("certificates for %s and below issued in the last %d days: %zu\n", a.name.c_str(),
              days, a.certificates);
  for (const judge::IssuingCa& ca : a.suggestion.cas) {
    const char* what = ca.plain && ca.wildcard ? "names and wildcards"
                       : ca.wildcard           ? "wildcards only"
                                               : "names, no wildcard";
    // The CA's name may be a DN from a certificate: escaped, so that it cannot steer a terminal.
    std::printf("  %s (%s): %d certificate%s, %s, last %s\n",
                ca.identifier.empty() ? "no CAA identifier known" : ca.identifier.c_str(),
                absl::CHexEscape(ca.ca).c_str(), ca.certificates, ca.certificates == 1 ? "" : "s",
                what, FormatRfc3339Millis(ca.last_issued).c_str());
  }
  std::printf("suggested records:\n");
  if (a.suggestion.records.empty()) std::printf("  (none: no CA with a CAA identifier issued)\n");
  for (const caa::CaaRecord& r : a.suggestion.records) {
    std::printf("  %s. CAA %s\n", a.name.c_str(), RecordText(r).c_str());
  }
  if (!a.looked_up_now.empty()) {
    std::printf("never observed, looked up now: %s\n",
                absl::CHexEscape(absl::StrJoin(a.looked_up_now, ", ")).c_str());
  }
  std::printf("records in force: %s\n", InForceText(a).c_str());
  for (const caa::CaaRecord& r : a.in_force.records) {
    std::printf("  %s. CAA %s\n", a.in_force.relevant_name.c_str(), RecordText(r).c_str());
  }
  for (const judge::RenewalWarning& w : a.warnings) {
    std::printf(
        "warning: %s issued for %s (last %s) but the records in force forbid it (%s): its "
        "renewals will fail\n",
        w.identifier.c_str(), w.name.c_str(), FormatRfc3339Millis(w.last_issued).c_str(),
        w.reason.c_str());
  }
}

int Suggest(const SuggestOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<monitor::CaaAdvice> advice = monitor::AdviseCaa(
      ctx.config, **store, options.name, absl::Hours(24) * options.days, absl::Now());
  if (!advice.ok())
    return Fail(advice.status(),
                advice.status().code() == absl::StatusCode::kInvalidArgument ? 2 : 1);
  if (ctx.json) {
    std::puts(AdviceJson(*advice, options.days)
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace)
                  .c_str());
  } else {
    PrintAdvice(*advice, options.days);
  }
  return 0;
}

}  // namespace

Command AddCaaSuggestCommand(CLI::App* caa) {
  CLI::App* suggest = caa->add_subcommand(
      "suggest", "propose the CAA records that permit exactly the CAs that issued for NAME");
  suggest->footer(
      "From the stored certificates for NAME and the names below it issued in the last --days "
      "days: the CAs that issued, the CAA record set that permits exactly them (issuewild where "
      "wildcard issuance differs), the records in force (latest observations; a followed zone's "
      "records for the names in it; a name never observed is looked up now, and said so) and a "
      "warning for each CA that issued recently but that the records in force forbid.");
  auto options = std::make_shared<SuggestOptions>();
  suggest->add_option("NAME", options->name, "a DNS name (the subtree at and below it)")
      ->required();
  AddCommonOptions(suggest, &options->common);
  suggest->add_option("--days", options->days, "look back N days (default 90)")
      ->type_name("N")
      ->check(PositiveInteger());
  return {suggest, [options] { return Suggest(*options); }};
}

}  // namespace caawatch::cli
