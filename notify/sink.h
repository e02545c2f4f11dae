// One configured sink, ready to deliver (SPEC §6): its id (the key of its cursor in the store),
// its filter (min_severity, watch items) and the script, mail or webhook sink behind it.
#ifndef CAAWATCH_NOTIFY_SINK_H_
#define CAAWATCH_NOTIFY_SINK_H_

#include <string>
#include <variant>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "base/log.h"
#include "notify/iodef_sink.h"
#include "notify/mail_sink.h"
#include "notify/notification.h"
#include "notify/notify_config.h"
#include "notify/script_sink.h"
#include "notify/webhook_sink.h"
#include "store/records.pb.h"

namespace caawatch::notify {

class Sink {
 public:
  // Builds the sink `config` describes. A script sink writes its files below
  // `files_root`/<a name of its own> (each sink its own directory, emptied after each
  // delivery). kInvalidArgument, naming the sink, for a bad address or URL, or an unreadable
  // secret_file.
  [[nodiscard]] static absl::StatusOr<Sink> Build(const SinkConfig& config,
                                                  const NotifyConfig& shared,
                                                  const std::string& files_root);

  // "script /path", "email a@example.com", "webhook https://host/path" (a URL with a query
  // gets "#" and a hash of the whole URL instead of the query, which may hold a token).
  const std::string& id() const { return id_; }
  const SinkConfig& config() const { return config_; }

  // Whether this sink delivers `finding`: its severity is at least min_severity and, when the
  // sink lists watch items, one of its watched names is at one of them.
  bool Wants(const store::FindingRecord& finding) const;

  // Delivers one notification (the sink's own timeout bounds it; a notified `cancel` ends it
  // sooner). Errors as the sinks say (delivery_status.h tells which are worth a retry).
  absl::Status Deliver(const Notification& n, absl::Time now,
                       const absl::Notification* cancel = nullptr) const;
  // The heartbeat, as this kind of sink shows it (heartbeat.h).
  absl::Status DeliverHeartbeat(const Heartbeat& h, absl::Time now,
                                const absl::Notification* cancel = nullptr) const;

 private:
  friend absl::StatusOr<std::vector<Sink>> BuildSinks(const NotifyConfig&, const std::string&,
                                                      const Logger*, store::IodefReports*);
  using Impl = std::variant<ScriptSink, MailSink, WebhookSink, IodefSink>;
  Sink(std::string id, SinkConfig config, Impl impl, std::string files_dir)
      : id_(std::move(id)),
        config_(std::move(config)),
        impl_(std::move(impl)),
        files_dir_(std::move(files_dir)) {}

  std::string id_;
  SinkConfig config_;
  Impl impl_;
  std::string files_dir_;  // Script sinks only.
};

// Whether `name` (a certificate name, lowercase) is at watch item `item`: equal to it, or for
// ".example.com" equal to example.com or below it.
bool AtWatchItem(const std::string& name, const std::string& item);

// Every sink of `config`: its `sinks` in order, then one script sink per executable in
// hooks_dir (HooksInDirectory), then, when config.iodef.enabled, the sink "iodef" (every
// finding, iodef_sink.h; it logs refused and rate-limited targets to `logger`, which may be
// null; its per-target rate limit is kept in `reports`, which may be null: memory only). The
// first sink that cannot be built is the error; two sinks with the same id are
// kInvalidArgument.
[[nodiscard]] absl::StatusOr<std::vector<Sink>> BuildSinks(const NotifyConfig& config,
                                                           const std::string& files_root,
                                                           const Logger* logger = nullptr,
                                                           store::IodefReports* reports = nullptr);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_SINK_H_
