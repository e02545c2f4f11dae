#include "notify/heartbeat.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/hex.h"
#include "nlohmann/json.hpp"

namespace caawatch::notify {

std::string HeartbeatSummary(const Heartbeat& h) {
  return absl::StrCat("caawatch heartbeat: ", h.names_watched, " names watched, ", h.logs_current,
                      " of ", h.logs, " logs current, ", h.new_findings, " new findings since ",
                      FormatRfc3339(h.since));
}

std::string HeartbeatJson(const Heartbeat& h) {
  const nlohmann::json j = {{"event", "heartbeat"},
                            {"at", FormatRfc3339(h.at)},
                            {"since", FormatRfc3339(h.since)},
                            {"names_watched", h.names_watched},
                            {"logs", h.logs},
                            {"logs_current", h.logs_current},
                            {"new_findings", h.new_findings},
                            {"last_seq", h.last_seq}};
  return j.dump();
}

std::string HeartbeatKey(const Heartbeat& h) {
  return absl::StrCat("caawatch-heartbeat-", absl::ToUnixMillis(h.at));
}

std::vector<std::pair<std::string, std::string>> HeartbeatEnvironment(const Heartbeat& h) {
  return {{"EVENT", "heartbeat"},
          {"SUMMARY", HeartbeatSummary(h)},
          {"CAAWATCH_NAMES_WATCHED", absl::StrCat(h.names_watched)},
          {"CAAWATCH_LOGS", absl::StrCat(h.logs)},
          {"CAAWATCH_LOGS_CURRENT", absl::StrCat(h.logs_current)},
          {"CAAWATCH_NEW_FINDINGS", absl::StrCat(h.new_findings)},
          {"CAAWATCH_SINCE", FormatRfc3339(h.since)},
          {"CAAWATCH_LAST_SEQ", absl::StrCat(h.last_seq)}};
}

std::string HeartbeatMail(const Heartbeat& h, const MailHeaders& headers) {
  std::string m;
  if (!headers.from.empty()) absl::StrAppend(&m, "From: ", headers.from, "\n");
  absl::StrAppend(&m, "To: ", absl::StrJoin(headers.to, ", "), "\n");
  absl::StrAppend(&m, "Subject: [caawatch] heartbeat: ", h.new_findings, " new findings since ",
                  FormatRfc3339(h.since), "\n");
  absl::StrAppend(
      &m,
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", headers.date, absl::UTCTimeZone()),
      "\n");
  absl::StrAppend(&m, "Message-ID: <", HeartbeatKey(h), "@",
                  headers.host.empty() ? "localhost" : headers.host, ">\n");
  absl::StrAppend(&m, "MIME-Version: 1.0\nContent-Type: text/plain; charset=UTF-8\n");
  absl::StrAppend(&m, "Auto-Submitted: auto-generated\n\n");
  absl::StrAppend(&m, "caawatch is running.\n\n");
  absl::StrAppend(&m, "Names watched:  ", h.names_watched, "\n");
  absl::StrAppend(&m, "Logs current:   ", h.logs_current, " of ", h.logs, "\n");
  absl::StrAppend(&m, "New findings:   ", h.new_findings, " since ", FormatRfc3339(h.since),
                  " (last seq ", h.last_seq, ")\n\n");
  absl::StrAppend(&m,
                  "This message comes every heartbeat interval (notify.heartbeat); when it\n"
                  "stops coming, caawatch has stopped.\n");
  return m;
}

}  // namespace caawatch::notify
