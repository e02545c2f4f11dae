// Opt-in iodef delivery end to end (SPEC §6, RFC 8659 §4.4): the CAA records of a real Knot
// zone name the targets, the test CT log serves certificates they forbade, `caawatch run
// --once --iodef` reports them: by mail through msmtp to aiosmtpd, and by an HTTPS POST to the
// tests' receiver. Each report's IODEF document is parsed (iodef_reports.py). Hostile targets
// are refused with a log line, the rate limit holds, and a second run sends nothing again.
#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/fakes/self_signed_tls.h"
#include "tests/notify/background_process.h"

namespace caawatch {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::JsonLines;

class IodefEndToEndTest : public testing::EndToEndFixture {
 protected:
  // The HTTPS receiver (webhook_receiver.py over TLS, trusted through ca_file_), then a Knot
  // zone whose iodef.test names it, a mail address and three hostile targets.
  void StartReceiversAndZone() {
    absl::StatusOr<fakes::SelfSignedTls> tls = fakes::MakeSelfSignedTls("IP:127.0.0.1");
    ASSERT_TRUE(tls.ok()) << tls.status();
    ca_file_ = WriteFile("cert.pem", tls->cert_pem);
    const std::string key = WriteFile("key.pem", tls->key_pem);
    https_port_ = notify::testing::FreeLoopbackPort();
    requests_ = dir() + "/requests.jsonl";
    https_ = std::make_unique<notify::testing::BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/python3", CAAWATCH_SOURCE_DIR "/tests/notify/webhook_receiver.py",
        std::to_string(https_port_), requests_, "unused", ",", ca_file_, key});
    ASSERT_TRUE(notify::testing::WaitForPort(https_port_)) << "HTTPS receiver did not start";

    smtp_port_ = notify::testing::FreeLoopbackPort();
    maildir_ = dir() + "/maildir";
    smtp_ = std::make_unique<notify::testing::BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", absl::StrCat("127.0.0.1:", smtp_port_),
        "-c", "aiosmtpd.handlers.Mailbox", maildir_});
    ASSERT_TRUE(notify::testing::WaitForPort(smtp_port_)) << "aiosmtpd did not start";
    const std::string msmtprc =
        WriteFile("msmtprc", absl::StrCat("account default\nhost 127.0.0.1\nport ", smtp_port_,
                                          "\nfrom caawatch@monitor.test\nauth off\ntls off\n"));
    ::chmod(msmtprc.c_str(), 0600);
    sendmail_ =
        WriteFile("sendmail", "#!/bin/sh\nexec /usr/bin/msmtp -C '" + msmtprc + "' \"$@\"\n");
    ::chmod(sendmail_.c_str(), 0700);

    fakes::KnotZone zone;
    zone.origin = "test";
    zone.records = absl::StrCat(
        "iodef CAA 0 issue \"pki.goog\"\n", "iodef CAA 0 iodef \"mailto:security@iodef.test\"\n",
        "iodef CAA 0 iodef \"https://127.0.0.1:", https_port_, "/iodef\"\n",
        // Hostile: plain http, a header injection, an overlong URL.
        "iodef CAA 0 iodef \"http://127.0.0.1:", https_port_, "/plain\"\n",
        "iodef CAA 0 iodef \"mailto:security@iodef.test\\013\\010Bcc: victim@evil.test\"\n",
        "iodef CAA 0 iodef \"https://127.0.0.1:", https_port_, "/", std::string(1100, 'a'), "\"\n");
    absl::StatusOr<std::unique_ptr<fakes::KnotServer>> knot = fakes::KnotServer::Start({zone});
    ASSERT_TRUE(knot.ok()) << knot.status();
    knot_ = *std::move(knot);
  }

  // `caawatch run --once --iodef` watching .iodef.test against this test's zone.
  CommandResult RunOnce(const std::string& config_file) const {
    std::vector<std::string> args = RunArgs(
        {"--once", "--iodef", "--sendmail", sendmail_, "--config", config_file}, {".iodef.test"});
    for (size_t i = 0; i + 1 < args.size(); ++i) {
      if (args[i] == "--dns-server") args[i + 1] = absl::StrCat("127.0.0.1:", knot_->port());
    }
    return testing::RunCommand(args, dir(), absl::Seconds(120));
  }

  json Reports() const {
    const CommandResult r =
        testing::RunCommand({"/usr/bin/python3", CAAWATCH_SOURCE_DIR "/tests/e2e/iodef_reports.py",
                             maildir_, requests_},
                            dir());
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return r.exit_code == 0 ? json::parse(r.out) : json::object();
  }

  std::string ca_file_, requests_, maildir_, sendmail_;
  int https_port_ = 0;
  int smtp_port_ = 0;
  std::unique_ptr<notify::testing::BackgroundProcess> https_, smtp_;
  std::unique_ptr<fakes::KnotServer> knot_;
};

TEST_F(IodefEndToEndTest, ForbiddenCertificatesAreReportedToTheIodefTargetsOnce) {
  StartReceiversAndZone();
  std::unique_ptr<testing::Subprocess> log = StartLog(
      {.noise = 200,
       .plants = {"--plant", "x0.iodef.test:letsencrypt", "--plant", "x1.iodef.test:letsencrypt"}});
  const json config = {
      {"notify",
       {{"webhook_ca_file", ca_file_},
        {"iodef", {{"from", "caawatch@monitor.test"}, {"rate_per_target_per_hour", 1}}}}}};
  const std::string config_file = WriteFile("config.json", config.dump());
  const CommandResult run = RunOnce(config_file);
  ASSERT_EQ(run.exit_code, 0) << run.err;

  const CommandResult findings = Cli({"findings", "--json", "--limit", "100"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  std::map<std::string, json> by_id;  // "caawatch-SEQ" -> the finding.
  for (const json& f : JsonLines(findings.out))
    by_id[absl::StrCat("caawatch-", f["seq"].get<uint64_t>())] = f;
  ASSERT_EQ(by_id.size(), 2u) << findings.out;

  const json reports = Reports();
  // Rate limit 1 an hour: each good target got the first finding only; the second is logged.
  ASSERT_EQ(reports["mails"].size(), 1u) << reports.dump(1);
  ASSERT_EQ(reports["posts"].size(), 1u) << reports.dump(1);
  EXPECT_NE(run.err.find("reports in the last hour"), std::string::npos) << run.err;

  const json& mail = reports["mails"][0];
  EXPECT_EQ(mail["rcpt"], json::array({"security@iodef.test"})) << mail;
  EXPECT_EQ(mail["to"], json::array({"security@iodef.test"})) << mail;
  EXPECT_TRUE(mail["bcc"].empty()) << mail;
  ASSERT_EQ(mail["xml"].size(), 1u) << mail;
  const json& post = reports["posts"][0];
  EXPECT_EQ(post["path"], "/iodef");
  EXPECT_EQ(post["content_type"], "application/iodef+xml");

  for (const json& doc : {mail["xml"][0], post["xml"]}) {
    EXPECT_EQ(doc["root"], "{urn:ietf:params:xml:ns:iodef-2.0}IODEF-Document");
    EXPECT_EQ(doc["version"], "2.00");
    EXPECT_EQ(doc["purpose"], "reporting");
    EXPECT_EQ(doc["contact_role"], "creator");
    EXPECT_FALSE(doc["generation_time"].get<std::string>().empty());
    ASSERT_TRUE(by_id.contains(doc["incident_id"])) << doc;
    const json& f = by_id[doc["incident_id"]];
    EXPECT_NE(doc["description"].get<std::string>().find(f["names"][0].get<std::string>()),
              std::string::npos)
        << doc;
    const json& more = doc["additional"];
    const std::string sha_key = f["cert_sha256"].is_string() ? "cert_sha256" : "precert_sha256";
    const std::string meaning =
        sha_key == "cert_sha256" ? "certificate-sha256" : "precertificate-sha256";
    ASSERT_TRUE(more.contains(meaning)) << doc;
    EXPECT_EQ(more[meaning][0], f[sha_key]) << doc;
    ASSERT_TRUE(more.contains("ct-log-entry")) << doc;
    EXPECT_EQ(more["ct-log-entry"].size(), f["entries"].size()) << doc;
    ASSERT_TRUE(more.contains("caa-record")) << doc;
    bool issue_record = false;
    for (const json& r : more["caa-record"]) {
      issue_record = issue_record || r == "iodef.test CAA 0 issue \"pki.goog\"";
    }
    EXPECT_TRUE(issue_record) << more["caa-record"];
  }
  // The hostile targets: refused, each with a log line, nothing sent to them.
  EXPECT_NE(run.err.find("only mailto: and https: targets"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("not one plain mail address"), std::string::npos) << run.err;
  EXPECT_NE(run.err.find("longer than 1024 bytes"), std::string::npos) << run.err;

  // A second run: the iodef cursor is past both findings, nothing is sent again.
  const CommandResult again = RunOnce(config_file);
  ASSERT_EQ(again.exit_code, 0) << again.err;
  const json after = Reports();
  EXPECT_EQ(after["mails"].size(), 1u) << after.dump(1);
  EXPECT_EQ(after["posts"].size(), 1u) << after.dump(1);
  const CommandResult status = Cli({"notify", "status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const std::vector<json> sinks = JsonLines(status.out);
  ASSERT_EQ(sinks.size(), 1u) << status.out;
  EXPECT_EQ(sinks[0]["sink"], "iodef");
  EXPECT_EQ(sinks[0]["pending"], 0);
}

}  // namespace
}  // namespace caawatch
