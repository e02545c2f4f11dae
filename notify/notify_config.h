// What to notify and how (SPEC §6): the sinks and their filters, from the configuration file's
// `notify` key and the command line's --script, --hooks-dir, --email, --webhook, --sendmail.
// Parsing only: the caller reads the file and computes environment-dependent defaults.
#ifndef CAAWATCH_NOTIFY_NOTIFY_CONFIG_H_
#define CAAWATCH_NOTIFY_NOTIFY_CONFIG_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "store/verdict.h"

namespace caawatch::notify {

enum class SinkKind { kScript, kEmail, kWebhook };

// One sink as configured. JSON: an object with exactly one of "script": PATH, "email": ADDRESS,
// "webhook": URL, and optionally "min_severity", "watch", "timeout", "secret_file" (webhooks).
struct SinkConfig {
  SinkKind kind = SinkKind::kScript;
  std::string target;  // The script's path, the mail address or the URL.
  // Findings below it are passed over (`info` = every certificate for a watched name).
  store::Severity min_severity = store::Severity::kInfo;
  // Watch items (".example.com", "www.example.net"); when not empty, only findings with a
  // watched name at one of them (at or below it, for a leading dot) are delivered.
  std::vector<std::string> watch;
  absl::Duration timeout = absl::Minutes(1);  // Of one run, message or request.
  std::string secret_file;  // Webhooks: the HMAC key, read when the sink is built.
};

// Opt-in iodef delivery (iodef_sink.h). JSON: {"enabled": BOOL, "from": ADDRESS,
// "rate_per_target_per_hour": N}. It uses `sendmail` and `webhook_ca_file` below.
struct IodefConfig {
  bool enabled = false;  // Also `--iodef`.
  std::string from;      // The reports' From: and contact; "" = mail_from.
  int rate_per_target_per_hour = 4;
  absl::Duration timeout = absl::Minutes(1);  // Of one mail or request.
};

// JSON keys are the field names; `sinks` is an array of SinkConfig objects.
struct NotifyConfig {
  std::vector<SinkConfig> sinks;
  // Every executable file in it is a script sink (certspotter's hooks.d), with the filters of
  // SinkConfig's defaults. "" = none. No default here: cli/ passes
  // "${XDG_CONFIG_HOME:-$HOME/.config}/caawatch/hooks.d".
  std::string hooks_dir;
  std::string sendmail = "/usr/sbin/sendmail";
  std::string mail_from;        // From: of the mail; "" = sendmail's default.
  std::string webhook_ca_file;  // PEM roots for https webhooks; "" = the system's store.
  // How often each sink looks for new findings: the most a new finding waits before its
  // delivery starts.
  absl::Duration poll_interval = absl::Seconds(1);
  // Retries of a failed delivery wait 1s, 2s, 4s... up to this (each with jitter).
  absl::Duration max_backoff = absl::Minutes(5);
  // `run --once`: attempts per finding before a sink that keeps failing is left for the next
  // run (its cursor stays). `run` retries without end: the receiver may come back.
  int once_attempts = 4;
  // Opt-in: every sink gets a summary this often (heartbeat.h); zero = none.
  absl::Duration heartbeat = absl::ZeroDuration();
  IodefConfig iodef;
};

// Parses the `notify` object (`json_text`) over `defaults`: absent keys keep their value.
// kInvalidArgument, naming the key ("sinks[1].min_severity"), for an unknown key, a value of the
// wrong type, a sink object without exactly one of script/email/webhook, an empty target, a
// severity that is not info/warning/critical, a watch item that is empty or holds a space, a
// non-positive duration, once_attempts outside 1-20, or in `iodef` an unknown key, a non-boolean
// enabled, or a rate_per_target_per_hour outside 1-1000.
[[nodiscard]] absl::StatusOr<NotifyConfig> ParseNotifyConfig(absl::string_view json_text,
                                                             NotifyConfig defaults);

// "script", "email", "webhook".
const char* SinkKindName(SinkKind kind);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_NOTIFY_CONFIG_H_
