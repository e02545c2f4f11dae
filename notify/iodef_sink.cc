#include "notify/iodef_sink.h"

#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "notify/delivery_status.h"
#include "notify/iodef_document.h"
#include "notify/iodef_target.h"
#include "notify/mail_message.h"
#include "notify/mail_sink.h"
#include "notify/webhook_sink.h"

namespace caawatch::notify {
namespace {

constexpr size_t kBase64LineBytes = 76;  // RFC 2045 §6.8.

// A certificate name in the Subject: printable ASCII only, cut.
std::string SubjectText(absl::string_view text) {
  std::string out;
  for (char c : text.substr(0, 120)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  return out;
}

std::string Base64Lines(const std::string& data) {
  const std::string b64 = absl::Base64Escape(data);
  std::string out;
  for (size_t i = 0; i < b64.size(); i += kBase64LineBytes) {
    absl::StrAppend(&out, b64.substr(i, kBase64LineBytes), "\n");
  }
  return out;
}

}  // namespace

absl::StatusOr<IodefSink> IodefSink::Create(IodefSinkOptions options) {
  if (!options.from.empty() && !ValidMailAddress(options.from)) {
    return absl::InvalidArgumentError(
        absl::StrCat("notify.iodef.from: bad address ", QuoteInput(options.from)));
  }
  if (options.rate_per_target_per_hour < 1) {
    return absl::InvalidArgumentError("notify.iodef.rate_per_target_per_hour: want at least 1");
  }
  if (options.host.empty()) {
    char name[256] = {};
    if (::gethostname(name, sizeof name - 1) == 0) options.host = name;
  }
  return IodefSink(std::move(options));
}

void IodefSink::Log(LogLevel level, const std::string& message) const {
  if (options_.logger != nullptr) options_.logger->Log(level, "iodef", message);
}

absl::Status IodefSink::Deliver(const Notification& n, absl::Time now,
                                const absl::Notification* cancel) const {
  // A test event has no CAA records: its targets would be nobody's.
  if (n.test) return absl::OkStatus();
  const std::vector<std::string> values = ForbiddingIodefValues(n.finding);
  if (values.empty()) return absl::OkStatus();
  const std::string doc = BuildIodefDocument(n, {options_.host, options_.from}, now);
  const uint64_t seq = n.finding.seq();
  absl::MutexLock lock(&progress_->mu);
  if (progress_->seq != seq) {
    progress_->seq = seq;
    progress_->done.clear();
  }
  absl::Status retry = absl::OkStatus();
  for (size_t i = 0; i < values.size(); ++i) {
    const std::string& value = values[i];
    if (progress_->done.contains(value)) continue;
    progress_->done.insert(value);  // Unless a retryable failure takes it out again.
    if (i >= kMaxIodefTargetsPerFinding) {
      Log(LogLevel::kWarning, absl::StrCat("seq ", seq, ": more than ", kMaxIodefTargetsPerFinding,
                                           " iodef targets; not sent to ", QuoteInput(value)));
      continue;
    }
    absl::StatusOr<IodefTarget> target = ParseIodefTarget(value);
    if (!target.ok()) {
      Log(LogLevel::kWarning, absl::StrCat("seq ", seq, ": ", target.status().message()));
      continue;
    }
    const bool mail = target->kind == IodefTarget::Kind::kMail;
    const std::string key =
        mail ? absl::StrCat("mailto:", absl::AsciiStrToLower(target->address)) : target->url;
    if (!limit_->Allows(key, now)) {
      Log(LogLevel::kWarning,
          absl::StrCat("seq ", seq, ": not reported to ", QuoteInput(key), ": it had ",
                       options_.rate_per_target_per_hour, " reports in the last hour"));
      continue;
    }
    const absl::Status status =
        mail ? Mail(target->address, n, doc, now, cancel) : Post(target->url, n, doc, cancel);
    if (status.ok()) {
      if (const absl::Status counted = limit_->Count(key, now); !counted.ok()) {
        Log(LogLevel::kWarning, absl::StrCat("the iodef rate limit of ", QuoteInput(key),
                                             " is not kept across a restart: ", counted.message()));
      }
      Log(LogLevel::kInfo, absl::StrCat("seq ", seq, ": reported to ", QuoteInput(key)));
    } else if (IsRetryable(status)) {
      progress_->done.erase(value);
      if (retry.ok()) retry = status;
    } else {
      Log(LogLevel::kError, absl::StrCat("seq ", seq, ": report to ", QuoteInput(key),
                                         " failed, and a retry cannot help: ", status.message()));
    }
  }
  return retry;
}

absl::Status IodefSink::Mail(const std::string& address, const Notification& n,
                             const std::string& doc, absl::Time now,
                             const absl::Notification* cancel) const {
  MailSinkOptions mail;
  mail.to = {address};
  mail.from = options_.from;
  mail.sendmail = options_.sendmail;
  mail.timeout = options_.timeout;
  mail.host = options_.host;
  CAAWATCH_ASSIGN_OR_RETURN(MailSink sink, MailSink::Create(std::move(mail)));
  const store::FindingRecord& f = n.finding;
  const std::string boundary = absl::StrCat("caawatch-iodef-", f.seq());
  const std::string first_name = f.names().empty() ? "" : f.names(0);
  std::string m;
  if (!options_.from.empty()) absl::StrAppend(&m, "From: ", options_.from, "\n");
  absl::StrAppend(
      &m, "To: ", address, "\n", "Subject: IODEF incident report: certificate for ",
      SubjectText(first_name), " issued against its CAA records\n",
      "Date: ", absl::FormatTime("%a, %d %b %Y %H:%M:%S +0000", now, absl::UTCTimeZone()), "\n",
      "Message-ID: <caawatch.iodef.", f.seq(), "@", SubjectText(options_.host), ">\n",
      "MIME-Version: 1.0\n", "Content-Type: multipart/mixed; boundary=\"", boundary, "\"\n\n", "--",
      boundary, "\n", "Content-Type: text/plain; charset=us-ascii\n\n",
      "The CAA records of a domain name name this address as its iodef contact (RFC 8659 4.4).\n"
      "caawatch, a Certificate Transparency monitor, found a certificate for it that those\n"
      "records forbade. The attached IODEF document (RFC 7970) says which certificate, where it\n"
      "is logged and which CAA records were in force.\n\n",
      "--", boundary, "\n", "Content-Type: ", kIodefContentType, "; charset=us-ascii\n",
      "Content-Disposition: attachment; filename=\"caawatch-incident-", f.seq(), ".xml\"\n",
      "Content-Transfer-Encoding: base64\n\n", Base64Lines(doc), "--", boundary, "--\n");
  return sink.SendMessage(std::move(m), cancel);
}

absl::Status IodefSink::Post(const std::string& url, const Notification& n, const std::string& doc,
                             const absl::Notification* cancel) const {
  WebhookSinkOptions post;
  post.url = url;
  post.timeout = options_.timeout;
  post.ca_file = options_.ca_file;
  post.content_type = kIodefContentType;
  CAAWATCH_ASSIGN_OR_RETURN(WebhookSink sink, WebhookSink::Create(std::move(post)));
  return sink.PostBody(
      doc, {absl::StrCat(kIdempotencyKeyHeader, ": caawatch-iodef-", n.finding.seq())}, cancel);
}

}  // namespace caawatch::notify
