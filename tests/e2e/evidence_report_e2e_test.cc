// report.txt and report.html of a `forbidden` finding's evidence bundle, end to end (issue 20):
// the test CT log serves a Let's Encrypt certificate for a name whose CAA (served by Knot)
// allows only Google Trust Services; `caawatch run --once` judges it; the CA map holds the
// CA's problem-reporting contacts imported from real CCADB rows; `caawatch evidence SEQ`
// writes the bundle with both reports.
#include <signal.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::Subprocess;

class EvidenceReportE2eTest : public testing::EndToEndFixture {
 protected:
  // A forbidden finding's bundle in dir()/bundle, the CA map holding the contacts of the
  // real CCADB rows; returns the finding's seq ("" and a test failure if none was made).
  std::string WriteForbiddenBundle() {
    const CommandResult imported =
        Cli({"issuers", "import",
             CAAWATCH_SOURCE_DIR "/tests/caa/data/ca-information-report-2018.csv"});
    EXPECT_EQ(imported.exit_code, 0) << imported.err;
    std::unique_ptr<Subprocess> log =
        StartLog({.noise = 20, .plants = {"--plant-on-signal", "www.forbidden.test:letsencrypt"}});
    const std::string config = WriteFile("config.json", R"({"sth_poll_interval": "200ms"})");
    Subscribed run = RunAndSubscribe(config);
    if (run.reader == nullptr) return "";
    for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
         absl::Now() < deadline && run.monitor->running();) {
      const std::map<std::string, nlohmann::json> logs = LogsByDescription();
      if (!logs.empty() && testing::CaughtUp(logs.begin()->second)) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    log->Signal(SIGUSR1);
    v1::Alert alert;
    EXPECT_TRUE(run.reader->Read(&alert)) << run.monitor->Stderr();
    EXPECT_EQ(alert.finding().verdict(), v1::FORBIDDEN) << alert.DebugString();
    run.context->TryCancel();
    EXPECT_TRUE(testing::StopsCleanly(*run.monitor));
    const std::string seq = std::to_string(alert.seq());
    const CommandResult written =
        Cli({"evidence", seq, "--out", bundle(), "--log-list", loglist()});
    EXPECT_EQ(written.exit_code, 0) << written.err;
    return seq;
  }
  std::string bundle() const { return dir() + "/bundle"; }
};

// The serial as the OpenSSL command line reads it from the bundle's certificate.
std::string OpensslSerial(const std::string& pem_file, const std::string& log_dir) {
  const CommandResult serial =
      testing::RunCommand({"/usr/bin/openssl", "x509", "-noout", "-serial", "-in", pem_file},
                          log_dir, absl::Seconds(10));
  EXPECT_EQ(serial.exit_code, 0) << serial.err;
  absl::string_view value = absl::StripAsciiWhitespace(serial.out);
  absl::ConsumePrefix(&value, "serial=");
  return absl::AsciiStrToLower(value);
}

TEST_F(EvidenceReportE2eTest, ReportTextIsAddressedToTheCaWithTheFactsAndTheFilesThatProveThem) {
  const std::string seq = WriteForbiddenBundle();
  ASSERT_FALSE(seq.empty());
  const std::string text = testing::ReadFileOrEmpty(bundle() + "/report.txt");
  ASSERT_FALSE(text.empty());
  // Addressed to the contacts CCADB lists for ISRG (imported from the real rows).
  EXPECT_TRUE(absl::StartsWith(text,
                               "To: security@letsencrypt.org, "
                               "cert-prob-reports@letsencrypt.org, "))
      << text;
  EXPECT_THAT(text, HasSubstr("Subject: Certificate issued against CAA: www.forbidden.test"));
  const nlohmann::json finding =
      nlohmann::json::parse(testing::ReadFileOrEmpty(bundle() + "/finding.json"));
  const std::string pem = std::filesystem::exists(bundle() + "/certificate.pem")
                              ? bundle() + "/certificate.pem"
                              : bundle() + "/precertificate.pem";
  EXPECT_THAT(text, HasSubstr(absl::StrCat("  Serial number: ", OpensslSerial(pem, dir()), "\n")));
  EXPECT_THAT(text, HasSubstr(absl::StrCat("TBSCertificate (without the poison and SCT "
                                           "extensions, the same for both): ",
                                           finding["tbs_sha256"].get<std::string>())));
  for (const nlohmann::json& entry : finding["entries"]) {
    EXPECT_THAT(
        text, HasSubstr(absl::StrCat("), entry ", entry["index"].get<uint64_t>(), ", logged at ")));
  }
  EXPECT_THAT(text, HasSubstr("proven by: entry-"));
  EXPECT_THAT(text, HasSubstr("www.forbidden.test: forbidden"));
  EXPECT_THAT(text, HasSubstr("forbidden.test. CAA 0 issue \"pki.goog\""));
  EXPECT_THAT(text, HasSubstr("Narrow window"));
  EXPECT_THAT(text, HasSubstr("Wide window"));
  EXPECT_THAT(text, HasSubstr("DNSSEC status of the answers: "));
  EXPECT_THAT(text, HasSubstr("Rule broken: The \"issue\" properties"));
  EXPECT_THAT(text, HasSubstr("Baseline Requirements section 3.2.2.8"));
  EXPECT_THAT(text, HasSubstr("  finding.json: the finding as recorded"));
  EXPECT_THAT(text, HasSubstr("caawatch evidence verify DIR"));
  // The reports are no evidence: the verifier names them apart and still accepts the bundle.
  const CommandResult verified =
      testing::RunCommand({caawatch(), "evidence", "verify", bundle(), "--log-list", loglist()},
                          dir(), absl::Seconds(30));
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("reports (prose for the CA, written from the files "
                                      "checked): report.html, report.txt"));
  EXPECT_THAT(verified.out, ::testing::Not(HasSubstr("not checked"))) << verified.out;
}

}  // namespace
}  // namespace caawatch
