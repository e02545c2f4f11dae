// `caawatch notify status|test`: where each notification sink stands, and a test event to each
// configured sink (SPEC §6).
#include <cstdio>
#include <memory>

#include "absl/time/clock.h"
#include "base/hex.h"
#include "cli/commands.h"
#include "cli/context.h"
#include "cli/notify_options.h"
#include "cli/options.h"
#include "cli/table.h"
#include "monitor/notify_commands.h"
#include "nlohmann/json.hpp"

namespace caawatch::cli {
namespace {

struct NotifyCommandOptions {
  CommonOptions common;
  NotifyOptions notify;
};

std::string TimeOrNever(int64_t ms) {
  return ms == 0 ? "-" : FormatRfc3339(absl::FromUnixMillis(ms));
}

std::string Pending(uint64_t n) {
  return n >= monitor::kMaxCountedPending ? std::to_string(n) + "+" : std::to_string(n);
}

int StatusCommand(const NotifyCommandOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  absl::StatusOr<std::unique_ptr<store::Store>> store = OpenStoreForReading(ctx);
  if (!store.ok()) return Fail(store.status());
  absl::StatusOr<std::vector<monitor::SinkStatus>> sinks = monitor::ListSinkStatus(store->get());
  if (!sinks.ok()) return Fail(sinks.status());
  Table table({"SINK", "CURSOR", "PENDING", "LAST SUCCESS", "LAST ERROR"});
  for (const monitor::SinkStatus& s : *sinks) {
    if (ctx.json) {
      nlohmann::json j = {
          {"sink", s.sink},
          {"cursor", s.cursor_seq},
          {"pending", s.pending},
          {"delivered", s.delivered},
          {"given_up", s.given_up},
          {"last_success", s.last_success_ms == 0 ? nlohmann::json(nullptr)
                                                  : nlohmann::json(TimeOrNever(s.last_success_ms))},
          {"last_error",
           s.last_error.empty() ? nlohmann::json(nullptr) : nlohmann::json(s.last_error)},
          {"last_error_at", s.last_error_ms == 0 ? nlohmann::json(nullptr)
                                                 : nlohmann::json(TimeOrNever(s.last_error_ms))}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      table.Add({s.sink, std::to_string(s.cursor_seq), Pending(s.pending),
                 TimeOrNever(s.last_success_ms),
                 s.last_error.empty() ? "-" : TimeOrNever(s.last_error_ms) + " " + s.last_error});
    }
  }
  if (!ctx.json) {
    if (table.empty()) {
      std::puts("no notification sink has run yet");
    } else {
      table.Print(stdout);
    }
  }
  return 0;
}

int TestCommand(const NotifyCommandOptions& options) {
  auto prepared = Prepare(options.common);
  if (auto* code = std::get_if<int>(&prepared)) return *code;
  CommandContext& ctx = std::get<CommandContext>(prepared);
  ApplyNotifyOptions(options.notify, &ctx.config);
  absl::StatusOr<std::vector<monitor::SinkTestResult>> results =
      monitor::SendTestNotifications(ctx.config, absl::Now());
  if (!results.ok()) return Fail(results.status(), 2);
  if (results->empty()) {
    return Fail(absl::FailedPreconditionError(
        "no notification sink is configured (--script, --hooks-dir, --email, --webhook or the "
        "configuration's notify.sinks)"));
  }
  int failed = 0;
  for (const monitor::SinkTestResult& r : *results) {
    if (!r.status.ok()) ++failed;
    if (ctx.json) {
      nlohmann::json j = {
          {"sink", r.sink},
          {"ok", r.status.ok()},
          {"error", r.status.ok() ? nlohmann::json(nullptr)
                                  : nlohmann::json(std::string(r.status.message()))}};
      std::puts(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("%s: %s\n", r.sink.c_str(),
                  r.status.ok() ? "sent" : std::string(r.status.message()).c_str());
    }
  }
  return failed == 0 ? 0 : 1;
}

}  // namespace

Command AddNotifyCommand(CLI::App* app) {
  CLI::App* notify = app->add_subcommand("notify", "notification sinks (status|test)");
  notify->require_subcommand(1);
  notify->footer(
      "Sinks (SPEC §6) are configured with `caawatch run`'s --script, --hooks-dir, --email and "
      "--webhook flags or the configuration's `notify` key. Each keeps a cursor in the store: the "
      "last finding it finished.");
  CLI::App* status = notify->add_subcommand(
      "status", "per sink: cursor, pending findings, last success, last error");
  auto status_options = std::make_shared<NotifyCommandOptions>();
  AddCommonOptions(status, &status_options->common);
  CLI::App* test =
      notify->add_subcommand("test", "send a test event, marked as such, to every configured sink");
  auto test_options = std::make_shared<NotifyCommandOptions>();
  AddCommonOptions(test, &test_options->common);
  AddNotifyOptions(test, &test_options->notify);
  return {notify, RunParsed({{status, [status_options] { return StatusCommand(*status_options); }},
                             {test, [test_options] { return TestCommand(*test_options); }}})};
}

}  // namespace caawatch::cli
