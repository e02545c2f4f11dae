#include "monitor/notify_commands.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "notify/sink.h"
#include "notify/test_notification.h"

namespace caawatch::monitor {
namespace {

// Findings after `after`, counted a page at a time up to kMaxCountedPending.
absl::StatusOr<uint64_t> CountAfter(store::Store* store, uint64_t after) {
  uint64_t count = 0;
  store::FindingQuery query;
  query.after_seq = after;
  query.limit = 1000;
  while (count < kMaxCountedPending) {
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::FindingRecord> page,
                              store->findings().List(query));
    if (page.empty()) break;
    count += page.size();
    query.after_seq = page.back().seq();
  }
  return std::min(count, kMaxCountedPending);
}

}  // namespace

absl::StatusOr<std::vector<SinkStatus>> ListSinkStatus(store::Store* store) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::SinkCursorRecord> cursors,
                            store->sink_cursors().List());
  std::vector<SinkStatus> out;
  for (const store::SinkCursorRecord& c : cursors) {
    SinkStatus s;
    s.sink = c.sink_id();
    s.cursor_seq = c.cursor_seq();
    CAAWATCH_ASSIGN_OR_RETURN(s.pending, CountAfter(store, c.cursor_seq()));
    s.created_ms = c.created_ms();
    s.last_success_ms = c.last_success_ms();
    s.last_error = c.last_error();
    s.last_error_ms = c.last_error_ms();
    s.delivered = c.delivered();
    s.given_up = c.given_up();
    out.push_back(std::move(s));
  }
  return out;
}

absl::StatusOr<std::vector<SinkTestResult>> SendTestNotifications(const MonitorConfig& config,
                                                                  absl::Time now) {
  // The hooks' files of a test live in a directory of their own, removed afterwards.
  std::string tmpl = (std::filesystem::temp_directory_path() / "caawatch-notify-test.XXXXXX");
  if (::mkdtemp(tmpl.data()) == nullptr) {
    return absl::FailedPreconditionError("cannot create a temporary directory for hook files");
  }
  const std::string files_root = tmpl;
  absl::StatusOr<std::vector<notify::Sink>> sinks = notify::BuildSinks(config.notify, files_root);
  std::vector<SinkTestResult> results;
  if (sinks.ok()) {
    const notify::Notification test = notify::TestNotification(now);
    for (const notify::Sink& sink : *sinks) {
      results.push_back({sink.id(), sink.Deliver(test, now)});
    }
  }
  std::error_code ec;
  std::filesystem::remove_all(files_root, ec);
  if (!sinks.ok()) return sinks.status();
  return results;
}

}  // namespace caawatch::monitor
