#include "notify/notification.h"

namespace caawatch::notify {

HookEvent EventOf(const store::FindingRecord& finding) {
  if (finding.kind() == "log_misbehaviour") return HookEvent::kError;
  if (finding.kind() == "malformed_cert") return HookEvent::kMalformedCert;
  return HookEvent::kDiscoveredCert;
}

const char* EventName(HookEvent event) {
  switch (event) {
    case HookEvent::kDiscoveredCert:
      return "discovered_cert";
    case HookEvent::kMalformedCert:
      return "malformed_cert";
    case HookEvent::kError:
      return "error";
  }
  return "error";
}

}  // namespace caawatch::notify
