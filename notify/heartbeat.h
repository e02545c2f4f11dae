// The opt-in heartbeat (SPEC §6, `notify.heartbeat: "24h"`): a summary each sink gets once per
// interval (names watched, logs current, new findings since the last one), so that its absence
// tells the owner caawatch stopped. How each kind of sink shows it.
#ifndef CAAWATCH_NOTIFY_HEARTBEAT_H_
#define CAAWATCH_NOTIFY_HEARTBEAT_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "notify/mail_message.h"

namespace caawatch::notify {

struct Heartbeat {
  absl::Time at;     // When it was made.
  absl::Time since;  // The sink's previous heartbeat (or when the sink was first configured).
  size_t names_watched = 0;
  size_t logs = 0;            // Logs with a stored position.
  size_t logs_current = 0;    // Of those, read up to the newest tree head they served.
  uint64_t new_findings = 0;  // Seqs assigned since `since` (new findings and re-alerts).
  uint64_t last_seq = 0;
};

// "caawatch heartbeat: 12 names watched, 3 of 3 logs current, 2 new findings since
// 2026-12-05T10:00:00Z".
std::string HeartbeatSummary(const Heartbeat& h);
// The webhook body: {"event": "heartbeat", "at", "since", "names_watched", "logs",
// "logs_current", "new_findings", "last_seq"}.
std::string HeartbeatJson(const Heartbeat& h);
// "caawatch-heartbeat-<at in ms>": one key per heartbeat, the same for its retries.
std::string HeartbeatKey(const Heartbeat& h);
// A hook's environment: EVENT=heartbeat, SUMMARY, and CAAWATCH_NAMES_WATCHED, CAAWATCH_LOGS,
// CAAWATCH_LOGS_CURRENT, CAAWATCH_NEW_FINDINGS, CAAWATCH_SINCE (RFC 3339), CAAWATCH_LAST_SEQ.
std::vector<std::pair<std::string, std::string>> HeartbeatEnvironment(const Heartbeat& h);
// The mail: Subject "[caawatch] heartbeat: N new findings since T", the summary in the body.
std::string HeartbeatMail(const Heartbeat& h, const MailHeaders& headers);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_HEARTBEAT_H_
