// `caawatch status`: per log, how far caawatch has read and verified, and what went wrong last.
#include <algorithm>
#include <cstdio>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "base/hex.h"
#include "base/quoted_input.h"
#include "base/time_text.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/table.h"
#include "monitor/caa_poll_state.h"
#include "monitor/log_status.h"
#include "monitor/notify_commands.h"
#include "monitor/proof_status.h"
#include "monitor/revocation_status.h"
#include "monitor/witness_status.h"
#include "monitor/zone_status.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

// RFC 3339, or "" for never.
std::string TimeOrEmpty(absl::Time t) {
  return t == absl::InfinitePast() ? "" : FormatRfc3339Millis(t);
}

// "ok (12 of 45 logs)": how many logs fare how, for the line under the table.
std::string Tally(const std::vector<monitor::LogStatusView>& logs) {
  std::map<std::string, int> by_condition;
  for (const monitor::LogStatusView& v : logs)
    ++by_condition[std::string(LogConditionName(v.condition))];
  std::string out;
  for (const auto& [condition, count] : by_condition) {
    absl::StrAppend(&out, out.empty() ? "" : ", ", count, " ", condition);
  }
  return absl::StrCat(logs.size(), " logs: ", out);
}

// "CAA poll: last full poll 2026-01-02T03:04:05.000Z, next due by 2026-...; 12 names answered
// within the poll interval (1h)".
std::string CaaPollLine(const monitor::CaaPollState& poll, absl::Duration interval) {
  const std::string when =
      poll.last_full_poll
          ? absl::StrCat("last full poll ", FormatRfc3339Millis(*poll.last_full_poll),
                         ", next due by ", FormatRfc3339Millis(*poll.last_full_poll + interval))
          : "no full poll yet";
  return absl::StrCat("CAA poll: ", when, "; ", poll.answered_within_interval,
                      " names answered within the poll interval (", absl::FormatDuration(interval),
                      ")");
}

// "sink hook:/x: 2 pending, 40 delivered, 0 given up, last delivery 2026-..., last error -".
std::string SinkLine(const monitor::SinkStatus& s) {
  const auto at = [](int64_t ms) {
    return ms == 0 ? std::string("never") : FormatRfc3339Millis(absl::FromUnixMillis(ms));
  };
  return absl::StrCat(
      "sink ", s.sink, ": ", s.pending, s.pending >= monitor::kMaxCountedPending ? "+" : "",
      " pending, ", s.delivered, " delivered, ", s.given_up, " given up, last delivery ",
      at(s.last_success_ms), ", last error ",
      s.last_error.empty() ? "-" : absl::StrCat(at(s.last_error_ms), " ", s.last_error));
}

// "evidence: 2 findings proof pending (from seq 41), last proof stored 2026-..., last error
// 2026-... entry 7 of https://...: ...".
std::string ProofLine(const monitor::ProofStatus& s) {
  const auto at = [](int64_t ms) {
    return ms == 0 ? std::string("never") : FormatRfc3339Millis(absl::FromUnixMillis(ms));
  };
  std::string pending = absl::StrCat(s.pending, s.more ? "+" : "", " findings proof pending");
  if (s.pending > 0) absl::StrAppend(&pending, " (from seq ", s.oldest_seq, ")");
  return absl::StrCat(
      "evidence: ", pending, ", last proof stored ", at(s.last_success_ms), ", last error ",
      s.last_error.empty() ? "-" : absl::StrCat(at(s.last_error_ms), " ", s.last_error));
}

std::string MillisOrEmpty(int64_t ms) {
  return ms == 0 ? "" : FormatRfc3339Millis(absl::FromUnixMillis(ms));
}

// "revocation: 2 certificates followed, 1 seen revoked, 1 CRLs fetched (1 refused), latest
// round 2026-..., last error 2026-... CRL "http://...": signature does not verify".
std::string RevocationLine(const monitor::RevocationFollowerRecord& r) {
  if (r.round_ms() == 0) return "revocation: no follow-up round yet";
  const auto at = [](int64_t ms) { return FormatRfc3339Millis(absl::FromUnixMillis(ms)); };
  std::string error = "-";
  if (!r.last_error().empty()) {
    // The URL comes from a certificate or the CCADB, the reason may quote a CRL: both quoted.
    error = absl::StrCat(at(r.last_error_ms()), " ",
                         r.last_error_url().empty()
                             ? ""
                             : absl::StrCat("CRL ", QuoteInput(r.last_error_url()), ": "),
                         QuoteInput(r.last_error()));
  }
  return absl::StrCat("revocation: ", r.followed(), " certificates followed, ", r.revoked_seen(),
                      " seen revoked, ", r.crls_fetched(), " CRLs fetched (", r.crls_refused(),
                      " refused), latest round ", at(r.round_ms()), ", last error ", error);
}

// The --json line of the revocation follower (with a "revocation_follower" key).
void PrintRevocationJson(const monitor::RevocationFollowerRecord& r) {
  const nlohmann::json j = {{"revocation_follower", "crl"},
                            {"round_at", MillisOrEmpty(r.round_ms())},
                            {"followed", r.followed()},
                            {"revoked_seen", r.revoked_seen()},
                            {"crls_fetched", r.crls_fetched()},
                            {"crls_refused", r.crls_refused()},
                            {"last_error", r.last_error()},
                            {"last_error_url", r.last_error_url()},
                            {"last_error_at", MillisOrEmpty(r.last_error_ms())}};
  std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
}

// The followed zones (issue 18): one JSON object a line (with a "zone" key, after the logs'),
// or a table under the logs'.
void PrintZones(const std::vector<monitor::ZoneStatusView>& zones, bool json) {
  Table table({"ZONE", "STATE", "SERIAL", "LAST TRANSFER", "LAST NOTIFY", "LAST ERROR"});
  for (const monitor::ZoneStatusView& z : zones) {
    const std::string state(monitor::ZoneConditionName(z.condition));
    const auto& r = z.record;
    if (json) {
      nlohmann::json j = {
          {"zone", r.zone()},
          {"state", state},
          {"serial", r.has_serial() ? nlohmann::json(r.serial()) : nullptr},
          {"last_transfer", MillisOrEmpty(r.last_transfer_ms())},
          {"last_transfer_kind", r.last_transfer_kind()},
          {"last_notify", MillisOrEmpty(r.last_notify_ms())},
          {"last_error", r.last_error()},
          {"last_error_at", MillisOrEmpty(r.last_error_ms())},
          {"expires_at",
           r.last_transfer_ms() == 0 ? "" : MillisOrEmpty(r.last_transfer_ms() + r.expire_ms())},
          {"last_disagreement", r.last_disagreement()},
          {"last_disagreement_at", MillisOrEmpty(r.last_disagreement_ms())},
          {"disagreements", r.disagreements()}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      table.Add({r.zone(), state, r.has_serial() ? std::to_string(r.serial()) : "-",
                 r.last_transfer_ms() == 0 ? "never" : MillisOrEmpty(r.last_transfer_ms()),
                 r.last_notify_ms() == 0 ? "never" : MillisOrEmpty(r.last_notify_ms()),
                 r.last_error()});
    }
  }
  if (json || table.empty()) return;
  table.set_elastic_column(5);
  table.Print(stdout, OutputWidth());
  // The cross-check's warning, under the table: a sentence too long for a column.
  for (const monitor::ZoneStatusView& z : zones) {
    if (z.record.last_disagreement().empty()) continue;
    std::printf(
        "warning: %s: %llu lookup answers disagreed with the followed zone, the latest "
        "at %s: %s\n",
        z.record.zone().c_str(), static_cast<unsigned long long>(z.record.disagreements()),
        MillisOrEmpty(z.record.last_disagreement_ms()).c_str(),
        z.record.last_disagreement().c_str());
  }
}

// The witnesses' views of the logs (SPEC §9): one JSON object a line (with a "witness" key,
// after the zones'), or a table after the zones'.
void PrintWitnessViews(const std::vector<monitor::WitnessViewRecord>& views, bool json) {
  Table table({"WITNESS", "LOG", "STATE", "WITNESS SIZE", "VERIFIED", "CHECKED", "ERROR"});
  for (const monitor::WitnessViewRecord& v : views) {
    const std::string log = v.log_description().empty() ? v.log_url() : v.log_description();
    if (json) {
      const nlohmann::json j = {{"witness", v.witness()},
                                {"log_url", v.log_url()},
                                {"log", log},
                                {"url", v.url()},
                                {"state", v.state()},
                                {"tree_size", v.tree_size()},
                                {"verified_size", v.verified_size()},
                                {"checked_at", MillisOrEmpty(v.checked_ms())},
                                {"last_success_at", MillisOrEmpty(v.last_success_ms())},
                                {"error", v.error()}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      table.Add({v.witness(), log, v.state(), std::to_string(v.tree_size()),
                 std::to_string(v.verified_size()), MillisOrEmpty(v.checked_ms()), v.error()});
    }
  }
  if (json || table.empty()) return;
  table.set_elastic_column(6);
  table.Print(stdout, OutputWidth());
}

int Status(const CommonOptions& options) {
  auto prepared = Prepare(options);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::vector<monitor::LogStatusView>> logs =
      monitor::ListLogStatus(**store, absl::Now());
  if (!logs.ok()) return Fail(logs.status());
  absl::StatusOr<std::vector<monitor::ZoneStatusView>> zones =
      monitor::ListZoneStatus(**store, absl::Now());
  if (!zones.ok()) return Fail(zones.status());
  absl::StatusOr<std::vector<monitor::WitnessViewRecord>> witnesses =
      monitor::ListWitnessViews(**store);
  if (!witnesses.ok()) return Fail(witnesses.status());
  absl::StatusOr<monitor::RevocationFollowerRecord> revocation =
      monitor::ReadRevocationStatus(**store);
  if (!revocation.ok()) return Fail(revocation.status());
  if (ctx.json && logs->empty() && zones->empty() && witnesses->empty() &&
      revocation->round_ms() == 0) {
    std::puts("[]");  // Valid JSON for "no log yet": JSON lines would print nothing at all.
    return 0;
  }
  // RATE and ETA only while some log catches up: the last error keeps the width otherwise.
  const bool catching_up = std::any_of(logs->begin(), logs->end(),
                                       [](const auto& v) { return v.entries_per_second > 0; });
  std::vector<std::string> columns = {"LOG",       "STATE", "POSITION", "VERIFIED",
                                      "TREE SIZE", "LAG",   "LAG (s)"};
  if (catching_up) columns.insert(columns.end(), {"RATE", "ETA"});
  columns.insert(columns.end(), {"LAST SUCCESS", "LAST ERROR"});
  Table table(columns);
  for (const monitor::LogStatusView& v : *logs) {
    if (ctx.json) {
      nlohmann::json j = {{"log_id", absl::Base64Escape(v.log_id)},
                          {"url", v.url},
                          {"description", v.description},
                          {"state", LogConditionName(v.condition)},
                          {"position", v.position},
                          {"verified_size", v.verified_size},
                          {"tree_size", v.tree_size},
                          {"lag_entries", v.lag_entries},
                          {"lag_seconds", v.lag_seconds},
                          {"last_success_at", TimeOrEmpty(v.last_success_at)},
                          {"last_error", v.last_error},
                          {"last_error_at", TimeOrEmpty(v.last_error_at)},
                          {"consecutive_failures", v.consecutive_failures},
                          {"last_sth_time", TimeOrEmpty(v.last_sth_time)},
                          {"entries_per_second", v.entries_per_second},
                          {"eta_seconds", v.eta_seconds < 0 ? nlohmann::json(nullptr)
                                                            : nlohmann::json(v.eta_seconds)},
                          {"waiting_for_witnesses", v.waiting_for_witnesses}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::vector<std::string> row = {v.description.empty() ? v.url : v.description,
                                      std::string(LogConditionName(v.condition)),
                                      std::to_string(v.position),
                                      std::to_string(v.verified_size),
                                      std::to_string(v.tree_size),
                                      std::to_string(v.lag_entries),
                                      std::to_string(v.lag_seconds)};
      if (catching_up) {
        row.push_back(v.entries_per_second > 0 ? absl::StrFormat("%.0f/s", v.entries_per_second)
                                               : "-");
        row.push_back(v.eta_seconds < 0 ? "-" : absl::FormatDuration(absl::Seconds(v.eta_seconds)));
      }
      row.push_back(v.last_success_at == absl::InfinitePast()
                        ? "never"
                        : FormatRfc3339Millis(v.last_success_at));
      row.push_back(v.last_error);
      table.Add(std::move(row));
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::puts("no log tried yet: `caawatch run` records each log here as soon as it tries it");
    } else {
      table.set_elastic_column(columns.size() - 1);  // The last error: its start and end stay.
      table.Print(stdout, OutputWidth());
      std::puts(Tally(*logs).c_str());
      // A head held back by its witness quorum (SPEC §9): verified stays behind on purpose.
      for (const monitor::LogStatusView& v : *logs) {
        if (v.waiting_for_witnesses.empty()) continue;
        std::printf("waiting for witnesses: %s: %s\n",
                    (v.description.empty() ? v.url : v.description).c_str(),
                    v.waiting_for_witnesses.c_str());
      }
    }
    // The CAA poll and the sinks: the other halves of "is it working" (the JSON lines are the
    // logs alone; `caawatch notify status --json` has the sinks).
    absl::StatusOr<monitor::CaaPollState> poll =
        monitor::ReadCaaPollState(store->get(), ctx.config.caa_poll_interval, absl::Now());
    if (!poll.ok()) return Fail(poll.status());
    std::puts(CaaPollLine(*poll, ctx.config.caa_poll_interval).c_str());
    absl::StatusOr<std::vector<monitor::SinkStatus>> sinks = monitor::ListSinkStatus(store->get());
    if (!sinks.ok()) return Fail(sinks.status());
    for (const monitor::SinkStatus& sink : *sinks) std::puts(SinkLine(sink).c_str());
    absl::StatusOr<monitor::ProofStatus> proofs = monitor::ReadProofStatus(store->get());
    if (!proofs.ok()) return Fail(proofs.status());
    std::puts(ProofLine(*proofs).c_str());
    std::puts(RevocationLine(*revocation).c_str());
  }
  PrintZones(*zones, ctx.json);
  PrintWitnessViews(*witnesses, ctx.json);
  if (ctx.json && revocation->round_ms() != 0) PrintRevocationJson(*revocation);
  return 0;
}

}  // namespace

Command AddStatusCommand(CLI::App* app) {
  CLI::App* status = app->add_subcommand(
      "status", "per log: state, position, verified size, lag, last success, last error");
  status->footer(
      "Per log: state (ok, catching_up, retrying: the latest attempt failed, stale: no success "
      "for ten polling intervals, at least 5 s, or no monitor running), position (entries "
      "processed), verified tree size, latest tree size seen, lag in entries and seconds (a "
      "stale log's: the age of its last contact), while catching up the rate and the time "
      "left at it, the last success and the last error; then the CAA poll (the last full one, "
      "names answered within the interval) and each notification sink (pending, delivered, "
      "given up, last delivery, last error), and the evidence kept for findings (how many are "
      "proof pending: their inclusion proofs not stored yet). Followed zones (config `zones`) "
      "follow: state (ok, "
      "retrying: the latest refresh failed, expired: no successful refresh within the SOA's "
      "expire time), serial, last transfer, last NOTIFY, last error. "
      "A log whose witness quorum (config `witness_quorum`) its newest head does not meet yet is "
      "listed under the table as waiting for witnesses. Then each witness's view of each log "
      "(config `witnesses` with a URL): its latest cosigned checkpoint's size and how it "
      "compares with the verified tree (consistent, lagging, ahead: not provable yet, "
      "inconsistent: a log_misbehaviour finding, unreachable, not_witnessed, invalid). "
      "The revocation follow-up's latest round (text: after the evidence line): certificates "
      "followed, certificates ever seen revoked, CRLs fetched and refused, the latest error "
      "with its CRL URL. "
      "--json: one object per log a line (with entries_per_second, eta_seconds and "
      "waiting_for_witnesses), then one per followed zone (with a `zone` key), then one per "
      "witness and log (with a `witness` key), then the revocation follower's (with a "
      "`revocation_follower` key) once it ran, `[]` when there is none of them.");
  auto options = std::make_shared<CommonOptions>();
  AddCommonOptions(status, options.get());
  return {status, [options] { return Status(*options); }};
}

}  // namespace caawatch::cli
