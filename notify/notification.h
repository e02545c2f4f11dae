// One thing to tell the domain owner: a stored finding with what a sink needs beside it (the
// certificate chain, the watch item, the finding JSON). Built by the delivery loop from the
// store; every sink reads the same value.
#ifndef CAAWATCH_NOTIFY_NOTIFICATION_H_
#define CAAWATCH_NOTIFY_NOTIFICATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "store/records.pb.h"

namespace caawatch::notify {

// certspotter-script(8)'s EVENT values, and caawatch's own kCaaBreaksRenewal.
enum class HookEvent { kDiscoveredCert, kMalformedCert, kError, kCaaBreaksRenewal };

struct Notification {
  store::FindingRecord finding;
  // The watch list item that matched ("example.com" or ".example.com"); when empty, the first
  // of finding.watched_names stands in.
  std::string watch_item;
  // DER, leaf first: the final certificate when one is logged, else the precertificate; then
  // its issuers as the log served them. Empty for malformed_cert and log_misbehaviour.
  std::vector<std::vector<uint8_t>> chain;
  // malformed_cert: the log entry's leaf_input and extra_data (raw bytes), for ENTRY_FILENAME.
  std::string leaf_input;
  std::string extra_data;
  // The finding as SPEC §4 JSON (one object), for CAAWATCH_FINDING_JSON, the webhook body and
  // the mail's evidence.
  std::string finding_json;
  // A test event (`caawatch notify test`): every sink marks it as such.
  bool test = false;
};

// kError for kind "log_misbehaviour", kMalformedCert for "malformed_cert",
// kCaaBreaksRenewal for "caa_breaks_renewal", else kDiscoveredCert.
HookEvent EventOf(const store::FindingRecord& finding);
// "discovered_cert", "malformed_cert", "error", "caa_breaks_renewal".
const char* EventName(HookEvent event);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_NOTIFICATION_H_
