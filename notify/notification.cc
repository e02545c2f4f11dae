#include "notify/notification.h"

#include "store/finding_kind.h"

namespace caawatch::notify {

HookEvent EventOf(const store::FindingRecord& finding) {
  if (store::HasKind(finding, store::FindingKind::kLogMisbehaviour)) return HookEvent::kError;
  if (store::HasKind(finding, store::FindingKind::kMalformedCert)) {
    return HookEvent::kMalformedCert;
  }
  if (store::HasKind(finding, store::FindingKind::kCaaBreaksRenewal)) {
    return HookEvent::kCaaBreaksRenewal;
  }
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
    case HookEvent::kCaaBreaksRenewal:
      return "caa_breaks_renewal";
  }
  return "error";
}

}  // namespace caawatch::notify
