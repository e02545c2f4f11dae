// The mail sink (`--email ADDRESS`): the notification as a plain-text message (mail_message.h)
// piped to `sendmail -i -t`, the way certspotter sends mail.
#ifndef CAAWATCH_NOTIFY_MAIL_SINK_H_
#define CAAWATCH_NOTIFY_MAIL_SINK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "notify/heartbeat.h"
#include "notify/notification.h"

namespace caawatch::notify {

struct MailSinkOptions {
  std::vector<std::string> to = {};             // At least one; each ValidMailAddress.
  std::string from = {};                        // Optional From: address.
  std::string sendmail = "/usr/sbin/sendmail";  // `--sendmail PATH`.
  absl::Duration timeout = absl::Minutes(1);    // Then sendmail's process group is killed.
  std::string host = {};                        // Message-ID domain; empty: this host's name.
};

class MailSink {
 public:
  // kInvalidArgument, naming the address (quoted), for no recipient or a bad address.
  static absl::StatusOr<MailSink> Create(MailSinkOptions options);

  // Sends one message dated `now`. OK when sendmail exits 0; a non-zero exit or the timeout is
  // retryable (kUnavailable / kDeadlineExceeded) except EX_USAGE and EX_DATAERR (sendmail
  // refuses the message itself: kFailedPrecondition), with sendmail's output in the message.
  // A notified `cancel` kills sendmail's group at once (kUnavailable).
  absl::Status Deliver(const Notification& n, absl::Time now,
                       const absl::Notification* cancel = nullptr) const;
  // The heartbeat as a message (heartbeat.h); errors as Deliver.
  absl::Status DeliverHeartbeat(const Heartbeat& h, absl::Time now,
                                const absl::Notification* cancel = nullptr) const;
  // Pipes a whole message built elsewhere (its To: one of the checked addresses) to sendmail;
  // errors as Deliver.
  absl::Status SendMessage(std::string message, const absl::Notification* cancel = nullptr) const;

 private:
  explicit MailSink(MailSinkOptions options) : options_(std::move(options)) {}
  MailSinkOptions options_;
};

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_MAIL_SINK_H_
