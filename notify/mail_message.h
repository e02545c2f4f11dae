// The notification as a readable plain-text RFC 5322 message: what was issued, for which
// names, by which CA, the verdict and why, the CAA records in force, the log entries and a
// crt.sh link, for a person to read in any mail client.
#ifndef CAAWATCH_NOTIFY_MAIL_MESSAGE_H_
#define CAAWATCH_NOTIFY_MAIL_MESSAGE_H_

#include <string>
#include <vector>

#include "absl/time/time.h"
#include "notify/notification.h"

namespace caawatch::notify {

struct MailHeaders {
  std::vector<std::string> to;  // Checked addresses (ValidMailAddress).
  std::string from;             // Empty: sendmail's default sender.
  absl::Time date;              // The Date: header (the caller's clock).
  std::string host;             // Right side of the Message-ID.
};

// The whole message, CRLF-free ("\n" line ends, as sendmail reads it), headers in ASCII
// (untrusted text in them reduced to printable ASCII and cut), a UTF-8 body with control
// characters replaced and no line over 998 bytes (RFC 5322 §2.1.1). The Message-ID is stable for
// one seq (<caawatch.SEQ.HASH@host>), so a resent message is recognisably the same.
std::string BuildMailMessage(const Notification& n, const MailHeaders& headers);

// A bare addr-spec a sink can hand to sendmail: local@domain, printable ASCII without spaces,
// quotes, brackets or separators, not starting with '-' (it would be read as an option).
bool ValidMailAddress(const std::string& address);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_MAIL_MESSAGE_H_
