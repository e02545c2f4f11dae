#include "notify/mail_sink.h"

#include <unistd.h>

#include <string>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "notify/child_process.h"
#include "notify/heartbeat.h"
#include "notify/mail_message.h"

namespace caawatch::notify {
namespace {

constexpr int kExUsage = 64;    // sysexits.h: command line usage error.
constexpr int kExDataErr = 65;  // sysexits.h: the message itself is bad.

}  // namespace

absl::StatusOr<MailSink> MailSink::Create(MailSinkOptions options) {
  if (options.to.empty()) return absl::InvalidArgumentError("email: no recipient");
  for (const auto& a : options.to) {
    if (!ValidMailAddress(a)) {
      return absl::InvalidArgumentError(absl::StrCat("email: bad address ", QuoteInput(a)));
    }
  }
  if (!options.from.empty() && !ValidMailAddress(options.from)) {
    return absl::InvalidArgumentError(
        absl::StrCat("email: bad sender address ", QuoteInput(options.from)));
  }
  if (options.host.empty()) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0) options.host = name;
  }
  return MailSink(std::move(options));
}

absl::Status MailSink::Deliver(const Notification& n, absl::Time now,
                               const absl::Notification* cancel) const {
  return SendMessage(
      BuildMailMessage(n, MailHeaders{options_.to, options_.from, now, options_.host}), cancel);
}

absl::Status MailSink::DeliverHeartbeat(const Heartbeat& h, absl::Time now,
                                        const absl::Notification* cancel) const {
  return SendMessage(HeartbeatMail(h, MailHeaders{options_.to, options_.from, now, options_.host}),
                     cancel);
}

absl::Status MailSink::SendMessage(std::string message, const absl::Notification* cancel) const {
  ChildRequest request;
  request.cancel = cancel;
  request.path = options_.sendmail;
  // -i: a line with a single dot does not end the message; -t: recipients from To:.
  request.args = {"-i", "-t"};
  request.stdin_data = std::move(message);
  request.timeout = options_.timeout;
  CAAWATCH_ASSIGN_OR_RETURN(ChildResult result, RunChild(request));
  if (!result.timed_out && result.signal == 0 && result.exit_code == 0) return absl::OkStatus();
  const std::string error = absl::StrCat("sendmail ", QuoteInput(options_.sendmail), " ",
                                         DescribeFailure(result, options_.timeout));
  if (result.timed_out) return absl::DeadlineExceededError(error);
  if (result.exit_code == kExUsage || result.exit_code == kExDataErr) {
    return absl::FailedPreconditionError(error);
  }
  return absl::UnavailableError(error);
}

}  // namespace caawatch::notify
