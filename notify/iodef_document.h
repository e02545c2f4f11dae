// The incident report of an unauthorised issuance as an IODEF document (RFC 7970, the minimal
// valid one): Incident with IncidentID, DetectTime, GenerationTime, a Description, the
// reporter as Contact, and AdditionalData for the certificate's SHA-256, its names, its log
// entries and the CAA records in force.
#ifndef CAAWATCH_NOTIFY_IODEF_DOCUMENT_H_
#define CAAWATCH_NOTIFY_IODEF_DOCUMENT_H_

#include <string>

#include "absl/time/time.h"
#include "notify/notification.h"

namespace caawatch::notify {

inline constexpr char kIodefContentType[] = "application/iodef+xml";

struct IodefReporter {
  std::string host;   // IncidentID's name attribute: who numbers the incident.
  std::string email;  // The Contact's EmailTo; empty: none.
};

// The XML text: ASCII, untrusted text escaped (and any byte outside printable ASCII shown as
// '?'), one element per line, no line longer than a CAA record or URL makes it.
std::string BuildIodefDocument(const Notification& n, const IodefReporter& reporter,
                               absl::Time generated);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_IODEF_DOCUMENT_H_
