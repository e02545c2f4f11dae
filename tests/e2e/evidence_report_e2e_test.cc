// report.txt and report.html of a `forbidden` finding's evidence bundle, end to end (issue 20):
// the test CT log serves a Let's Encrypt certificate for a name whose CAA (served by Knot)
// allows only Google Trust Services; `caawatch run --once` judges it; the CA map holds the
// CA's problem-reporting contacts imported from real CCADB rows; `caawatch evidence SEQ`
// writes the bundle with both reports.
#include <signal.h>

#include <filesystem>
#include <map>
#include <set>
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
    v1::Alert alert;
    EXPECT_TRUE(PublishPlantAndReadAlert(run, *log, &alert));
    EXPECT_EQ(alert.finding().verdict(), v1::FORBIDDEN) << alert.DebugString();
    run.context->TryCancel();
    EXPECT_TRUE(testing::StopsCleanly(*run.monitor));
    const std::string seq = std::to_string(alert.seq());
    const CommandResult written =
        Cli({"evidence", seq, "--out", bundle(), "--log-list", loglist()});
    EXPECT_EQ(written.exit_code, 0) << written.err;
    EXPECT_THAT(written.out, HasSubstr("report.txt and report.html addressed to "
                                       "\"security@letsencrypt.org\", "));
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

// What headless Chromium made of a page: its DOM after loading, and the requests the page
// itself made (from a netlog: every URL request whose initiator is an origin, as a page's
// subresource loads are, and unlike Chromium's own update and time checks, "not an origin").
struct Rendered {
  int exit_code = -1;
  std::string dom;
  std::vector<std::string> page_requests;
  std::string err;
};

Rendered RenderInChromium(const std::string& html_file, const std::string& work_dir,
                          const std::string& screenshot) {
  static int run = 0;
  const std::string tag = std::to_string(++run);
  const std::string netlog = work_dir + "/netlog-" + tag + ".json";
  std::vector<std::string> argv = {
      CAAWATCH_CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync",
      "--disable-extensions", "--user-data-dir=" + work_dir + "/chromium-profile-" + tag,
      // Nothing the page could ask for leaves the machine, whatever it is.
      "--host-resolver-rules=MAP * ~NOTFOUND", "--log-net-log=" + netlog, "--window-size=1000,2000",
      "--dump-dom"};
  if (!screenshot.empty()) argv.push_back("--screenshot=" + screenshot);
  argv.push_back("file://" + html_file);
  const CommandResult result = testing::RunCommand(argv, work_dir, absl::Seconds(60));
  Rendered rendered{result.exit_code, result.out, {}, result.err};
  const nlohmann::json log =
      nlohmann::json::parse(testing::ReadFileOrEmpty(netlog), nullptr, /*allow_exceptions=*/false);
  EXPECT_TRUE(log.is_object()) << "no netlog from Chromium: " << result.err;
  if (!log.is_object()) return rendered;
  const int start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"].get<int>();
  for (const nlohmann::json& event : log["events"]) {
    if (event["type"] != start_job || !event.contains("params")) continue;
    const nlohmann::json& params = event["params"];
    if (!params.contains("url")) continue;  // The job's end: its start said what it asked.
    if (params.value("initiator", "") != "not an origin") {
      rendered.page_requests.push_back(params.value("url", "?"));
    }
  }
  return rendered;
}

size_t Count(const std::string& text, const std::string& what) {
  size_t count = 0;
  for (size_t at = 0; (at = text.find(what, at)) != std::string::npos; at += what.size()) ++count;
  return count;
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

// report.html as a browser shows it (issue 20 "Done when"): headless Chromium loads it with no
// network request, its DOM has the timeline of the name (an element per CAA state observed, the
// two windows, a mark per log entry), and the screenshot is kept for a person to look at. The
// netlog check is shown to catch a request by a copy of the page with one planted.
TEST_F(EvidenceReportE2eTest, ReportHtmlLoadsInChromiumWithNoRequestAndShowsTheTimeline) {
  const std::string seq = WriteForbiddenBundle();
  ASSERT_FALSE(seq.empty());
  const std::string html = bundle() + "/report.html";
  ASSERT_TRUE(std::filesystem::exists(html));
  std::filesystem::create_directories(CAAWATCH_TEST_ARTIFACT_DIR);
  const std::string png = CAAWATCH_TEST_ARTIFACT_DIR "/report.png";
  std::filesystem::remove(png);
  const Rendered page = RenderInChromium(html, dir(), png);
  ASSERT_EQ(page.exit_code, 0) << page.err;
  EXPECT_THAT(page.page_requests, ::testing::IsEmpty());
  // The artifact: the screenshot, and the page it shows (build/tests/e2e/evidence_report/).
  std::filesystem::copy_file(html, CAAWATCH_TEST_ARTIFACT_DIR "/report.html",
                             std::filesystem::copy_options::overwrite_existing);
  const std::string shot = testing::ReadFileOrEmpty(png);
  EXPECT_TRUE(absl::StartsWith(shot, "\x89PNG\r\n")) << "no screenshot at " << png;
  EXPECT_GT(shot.size(), 10'000u);  // A page of text and a picture, not a blank one.

  // One timeline for the one name; in it an element per distinct CAA state the finding
  // observed, the narrow and the wide window, a mark per log entry, the verdict.
  const nlohmann::json finding =
      nlohmann::json::parse(testing::ReadFileOrEmpty(bundle() + "/finding.json"));
  ASSERT_EQ(finding["caa"].size(), 1u);
  std::set<std::string> states;
  for (const nlohmann::json& o : finding["caa"][0]["observations"]) {
    states.insert(absl::StrCat(o["query_name"].dump(), o["rcode"].dump(), o["dnssec"].dump(),
                               o["records"].dump()));
  }
  ASSERT_GE(states.size(), 2u) << finding.dump();  // forbidden.test's set, www's NXDOMAIN.
  EXPECT_EQ(Count(page.dom, "<svg "), 1u);
  EXPECT_EQ(Count(page.dom, "<g class=\"caa-state\""), states.size()) << page.dom;
  EXPECT_THAT(page.dom, HasSubstr("forbidden.test: 0 issue \"pki.goog\""));
  EXPECT_EQ(Count(page.dom, "class=\"window-narrow\""), 1u);
  EXPECT_EQ(Count(page.dom, "class=\"window-wide\""), 1u);
  EXPECT_EQ(Count(page.dom, "class=\"log-entry\""), finding["entries"].size());
  EXPECT_THAT(page.dom, HasSubstr("www.forbidden.test: forbidden</text>"));
  EXPECT_THAT(page.dom, HasSubstr("To: security@letsencrypt.org"));

  // The same page with an image from the network planted (and its Content-Security-Policy
  // taken out, which would block it): the check above sees the request.
  std::string planted = testing::ReadFileOrEmpty(html);
  const size_t csp = planted.find("<meta http-equiv=\"Content-Security-Policy\"");
  ASSERT_NE(csp, std::string::npos);
  planted.erase(csp, planted.find('\n', csp) - csp);
  const size_t body = planted.find("<body>");
  ASSERT_NE(body, std::string::npos);
  planted.insert(body + 6, "<img src=\"http://planted.invalid/x.png\">");
  const std::string planted_file = WriteFile("planted.html", planted);
  const Rendered with_request = RenderInChromium(planted_file, dir(), "");
  ASSERT_EQ(with_request.exit_code, 0) << with_request.err;
  EXPECT_THAT(with_request.page_requests, ::testing::Contains("http://planted.invalid/x.png"));
}

}  // namespace
}  // namespace caawatch
