// Mail goes through a real sendmail (Debian's msmtp, configured here) to a real SMTP server
// (python3-aiosmtpd, started here), and the test reads the message the server stored.
#include "notify/mail_sink.h"

#include <filesystem>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/time.h"
#include "base/hex.h"
#include "ctlog/sha256.h"
#include "gtest/gtest.h"
#include "notify/delivery_status.h"
#include "notify/mail_message.h"
#include "tests/notify/background_process.h"
#include "tests/notify/notify_fixture.h"

namespace caawatch::notify {
namespace {

using testing::BackgroundProcess;
using testing::FreeLoopbackPort;
using testing::GoogleFinding;
using testing::ReadFile;
using testing::TempDir;
using testing::WaitForPort;
using testing::WriteFile;

// A sendmail that is msmtp with this test's configuration.
std::string MsmtpSendmail(const TempDir& dir, int port) {
  const std::string conf = dir.path() + "/msmtprc";
  WriteFile(conf,
            absl::StrCat("account default\nhost 127.0.0.1\nport ", port,
                         "\nfrom caawatch@monitor.test\nauth off\ntls off\n"),
            0600);
  const std::string sendmail = dir.path() + "/sendmail";
  WriteFile(sendmail, absl::StrCat("#!/bin/sh\nexec /usr/bin/msmtp -C '", conf, "' \"$@\"\n"),
            0700);
  return sendmail;
}

std::string ReadCertHex(const Notification& n) { return HexEncode(ctlog::Sha256(n.chain[0])); }

std::vector<std::string> Delivered(const std::string& maildir) {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(maildir + "/new", ec)) {
    out.push_back(ReadFile(e.path().string()));
  }
  return out;
}

TEST(MailSinkTest, ReadableMessageReachesTheSmtpServer) {
  TempDir dir;
  const int port = FreeLoopbackPort();
  const std::string maildir = dir.path() + "/maildir";
  BackgroundProcess smtp({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                          absl::StrCat("127.0.0.1:", port), "-c", "aiosmtpd.handlers.Mailbox",
                          maildir});
  ASSERT_TRUE(WaitForPort(port)) << "aiosmtpd did not start";
  auto sink = MailSink::Create({.to = {"owner@example.test", "sec@example.test"},
                                .sendmail = MsmtpSendmail(dir, port),
                                .host = "monitor.test"});
  ASSERT_TRUE(sink.ok()) << sink.status();
  Notification n = GoogleFinding();
  n.finding.set_cert_sha256(std::string(32, '\xab'));
  const absl::Status status =
      sink->Deliver(n, absl::FromUnixSeconds(1764979200));  // 2025-12-06 00:00:00 UTC
  ASSERT_TRUE(status.ok()) << status;
  auto messages = Delivered(maildir);
  ASSERT_EQ(messages.size(), 1u);
  const std::string& m = messages[0];
  EXPECT_NE(m.find("To: owner@example.test, sec@example.test"), std::string::npos) << m;
  EXPECT_NE(m.find("Subject: [caawatch] forbidden: certificate for *.google.com from Google "
                   "Trust Services"),
            std::string::npos)
      << m;
  EXPECT_NE(m.find("Date: Sat, 06 Dec 2025 00:00:00 +0000"), std::string::npos) << m;
  EXPECT_NE(m.find("Message-ID: <caawatch.42."), std::string::npos) << m;
  EXPECT_NE(m.find("Content-Type: text/plain; charset=UTF-8"), std::string::npos) << m;
  // What, for which names, by which CA, the verdict and why, CAA in force, the entries, a link.
  EXPECT_NE(m.find("Names:        *.google.com"), std::string::npos) << m;
  EXPECT_NE(m.find("Issuer:       C=US, O=Google Trust Services, CN=WR2"), std::string::npos);
  EXPECT_NE(m.find("CAA identifiers: pki.goog"), std::string::npos);
  EXPECT_NE(m.find("Verdict:  forbidden (critical)"), std::string::npos);
  EXPECT_NE(m.find(n.finding.reason()), std::string::npos);
  EXPECT_NE(m.find("relevant record set at google.com"), std::string::npos);
  EXPECT_NE(m.find("0 issue \"letsencrypt.org\""), std::string::npos);
  EXPECT_NE(m.find("precert_entry 912557348 @ https://ct.googleapis.com/logs/us1/argon2025h2/"),
            std::string::npos);
  EXPECT_NE(m.find("x509_entry 912600001"), std::string::npos);
  const std::string sha = ReadCertHex(n);
  EXPECT_NE(m.find("https://crt.sh/?sha256=" + sha), std::string::npos) << m;
  for (absl::string_view line : absl::StrSplit(m, '\n')) EXPECT_LE(line.size(), 998u);
}

TEST(MailSinkTest, UnreachableServerIsARetryableFailure) {
  TempDir dir;
  const int port = FreeLoopbackPort();  // Nothing listens there.
  auto sink =
      MailSink::Create({.to = {"owner@example.test"}, .sendmail = MsmtpSendmail(dir, port)});
  ASSERT_TRUE(sink.ok());
  const absl::Status status = sink->Deliver(GoogleFinding(), absl::UnixEpoch());
  EXPECT_FALSE(status.ok());
  EXPECT_TRUE(IsRetryable(status)) << status;
  EXPECT_NE(status.message().find("msmtp"), std::string::npos) << status;
}

TEST(MailSinkTest, BadAddressesAreRefusedNamingThem) {
  for (const std::string bad :
       {"-oQ/tmp/x@example.test", "a@b@c", "owner@example.test\nBcc: x@y", "", "no-at-sign"}) {
    auto sink = MailSink::Create({.to = {bad}});
    EXPECT_EQ(sink.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(MailSink::Create({}).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(MailMessageTest, UntrustedTextCannotForgeHeaders) {
  Notification n = GoogleFinding();
  n.finding.set_watched_names(0, "evil.test\nBcc: victim@example.test");
  n.finding.set_reason("line\x1b[2J");
  const std::string m = BuildMailMessage(n, {{"owner@example.test"}, "", absl::UnixEpoch(), "h"});
  const std::string headers = m.substr(0, m.find("\n\n"));
  EXPECT_EQ(headers.find("\nBcc:"), std::string::npos) << headers;
  EXPECT_EQ(m.find('\x1b'), std::string::npos);
}

TEST(MailMessageTest, TestEventIsMarked) {
  Notification n = GoogleFinding();
  n.test = true;
  const std::string m = BuildMailMessage(n, {{"owner@example.test"}, "", absl::UnixEpoch(), "h"});
  EXPECT_NE(m.find("Subject: [caawatch TEST]"), std::string::npos);
  EXPECT_NE(m.find("This is a TEST notification"), std::string::npos);
}

}  // namespace
}  // namespace caawatch::notify
