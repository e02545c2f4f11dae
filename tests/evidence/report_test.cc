// report.txt and report.html as a CA's incident responder reads them: addressed to the CA's
// problem-reporting contact, with the facts, the rule broken and the files that prove them;
// untrusted strings (certificate names, CAA values, CA names) never become markup or lines.
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "evidence/report_escape.h"
#include "evidence/report_facts.h"
#include "evidence/report_html.h"
#include "evidence/report_text.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::evidence {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t kIssued = 1'795'000'000'000;  // 2026-11-18T11:06:40Z
constexpr int64_t kHour = 3'600'000;

ReportFacts Forbidden() {
  ReportFacts f;
  f.seq = 42;
  f.verdict = "forbidden";
  f.severity = "critical";
  f.dns_names = {"www.example.com"};
  f.subject_dn = "CN=www.example.com";
  f.serial_hex = "03a1b2";
  f.issuer_dn = "CN=R11, O=Let's Encrypt, C=US";
  f.ca_owner = "Internet Security Research Group (Let's Encrypt)";
  f.caa_identifiers = {"letsencrypt.org"};
  f.contacts = {"cert-prob-reports@letsencrypt.org", "https://letsencrypt.org/contact/"};
  f.cert_sha256_hex = std::string(64, 'c');
  f.tbs_sha256_hex = std::string(64, 't');
  f.not_before_ms = kIssued - kHour;
  f.not_after_ms = kIssued + 90 * 24 * kHour;
  ReportLogEntry entry;
  entry.log = "Test Log";
  entry.log_url = "https://log.test/";
  entry.index = 7;
  entry.timestamp_ms = kIssued;
  entry.precertificate = true;
  entry.files = {"entry-0102030405060708-7.json", "proof-0102030405060708-7.json",
                 "head-0102030405060708-9.json"};
  f.entries.push_back(entry);
  ReportName name;
  name.name = "www.example.com";
  name.verdict = "forbidden";
  name.relevant_name = "example.com";
  name.relevant_records = {"0 issue \"pki.goog\""};
  name.window_start_ms = kIssued - 9 * kHour;
  name.window_end_ms = kIssued;
  name.wide_window_start_ms = kIssued - 58 * kHour;
  name.dnssec = "secure";
  ReportObservation seen;
  seen.query_name = "example.com";
  seen.first_seen_ms = kIssued - 30 * kHour;
  seen.last_seen_ms = kIssued + kHour;
  seen.outcome = "noerror";
  seen.dnssec = "secure";
  seen.ttl = 3600;
  seen.records = {"0 issue \"pki.goog\""};
  name.observations.push_back(seen);
  f.names.push_back(name);
  f.bundle_files = {"certificate.pem", "finding.json", "head-0102030405060708-9.json"};
  f.written_ms = kIssued + 2 * kHour;
  return f;
}

TEST(ReportTextTest, IsAddressedToTheCasContactWithTheFactsAndTheRule) {
  const std::string text = ReportText(Forbidden());
  EXPECT_TRUE(absl::StartsWith(
      text, "To: cert-prob-reports@letsencrypt.org, https://letsencrypt.org/contact/\n"))
      << text;
  EXPECT_THAT(text, HasSubstr("Subject: Certificate issued against CAA: www.example.com, serial "
                              "03a1b2\n"));
  EXPECT_THAT(text, HasSubstr("  Serial number: 03a1b2\n"));
  EXPECT_THAT(text, HasSubstr("  Issuer: CN=R11, O=Let's Encrypt, C=US\n"));
  EXPECT_THAT(text, HasSubstr(std::string(64, 't')));
  EXPECT_THAT(text, HasSubstr("Test Log (https://log.test/), entry 7, logged at "
                              "2026-11-18T11:06:40.000Z, precertificate"));
  EXPECT_THAT(text, HasSubstr("proven by: entry-0102030405060708-7.json, "
                              "proof-0102030405060708-7.json, head-0102030405060708-9.json"));
  EXPECT_THAT(text, HasSubstr("      example.com. CAA 0 issue \"pki.goog\"\n"));
  EXPECT_THAT(text, HasSubstr("Narrow window (the CA's check, normally): "
                              "2026-11-18T02:06:40.000Z to 2026-11-18T11:06:40.000Z"));
  EXPECT_THAT(text, HasSubstr("Wide window"));
  EXPECT_THAT(text, HasSubstr("DNSSEC status of the answers: secure"));
  EXPECT_THAT(text, HasSubstr("RFC 8659 section 4.2"));
  EXPECT_THAT(text, HasSubstr("Baseline Requirements section 3.2.2.8"));
  EXPECT_THAT(text, HasSubstr("caawatch evidence verify DIR"));
  EXPECT_THAT(text, HasSubstr("  finding.json: the finding as recorded"));
}

TEST(ReportTextTest, WithoutAKnownContactItSaysSoAndWhereToLook) {
  ReportFacts f = Forbidden();
  f.contacts.clear();
  const std::string text = ReportText(f);
  EXPECT_TRUE(absl::StartsWith(text,
                               "To: the problem-reporting contact of the issuing CA (none "
                               "is known here"))
      << text;
  EXPECT_THAT(text, HasSubstr("AllProblemReportingMechanismsReport"));
}

TEST(ReportTextTest, AWildcardNameWithIssuewildCitesTheIssuewildRule) {
  ReportFacts f = Forbidden();
  f.names[0].name = "*.example.com";
  f.names[0].relevant_records = {"0 issue \"letsencrypt.org\"", "0 issuewild \"pki.goog\""};
  const std::string text = ReportText(f);
  EXPECT_THAT(text,
              HasSubstr("Rule broken: For a wildcard name only the \"issuewild\" properties"));
  EXPECT_THAT(text, HasSubstr("4.3)"));
}

TEST(ReportTextTest, UntrustedTextCannotStartALineOfItsOwn) {
  ReportFacts f = Forbidden();
  f.names[0].observations[0].records = {"0 issue \"x\nTo: attacker@evil.test\""};
  f.ca_owner = "CA\r\nSubject: forged";
  const std::string text = ReportText(f);
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    EXPECT_FALSE(absl::StartsWith(line, "Subject: forged")) << text;
    EXPECT_FALSE(absl::StartsWith(line, "To: attacker")) << text;
  }
  EXPECT_THAT(text, HasSubstr("\\x0aTo: attacker@evil.test"));
}

TEST(ReportEscapeTest, HtmlTextIsOnlyEverText) {
  EXPECT_EQ(HtmlText("<script>alert(1)</script>"), "&lt;script&gt;alert(1)&lt;/script&gt;");
  EXPECT_EQ(HtmlText("a\"b'c&d"), "a&quot;b&#39;c&amp;d");
  EXPECT_EQ(HtmlText("b\xfc"
                     "cher"),
            "b\\xfccher");  // Not UTF-8: readable, never a byte.
  EXPECT_EQ(HtmlText("bücher"), "bücher");
  EXPECT_EQ(PlainTextLine("a\nb\\"), "a\\x0ab\\\\");
}

// A certificate name, a CAA value and a CA name that are markup end up as text in the page:
// no element, no attribute, no script of theirs.
TEST(ReportHtmlTest, UntrustedStringsEndUpAsText) {
  ReportFacts f = Forbidden();
  f.dns_names = {"<script>alert(1)</script>.example.com"};
  f.names[0].name = "<script>alert(1)</script>.example.com";
  f.names[0].observations[0].records = {"0 issue \"<img src=x onerror=alert(2)>\""};
  f.ca_owner = "Evil \"CA\" <b>";
  const std::string html = ReportHtml(f);
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<img")));
  EXPECT_THAT(html, Not(HasSubstr("<b>")));
  EXPECT_THAT(html, HasSubstr("&lt;script&gt;alert(1)&lt;/script&gt;.example.com"));
  EXPECT_THAT(html, HasSubstr("&lt;img src=x onerror=alert(2)&gt;"));
  EXPECT_THAT(html, HasSubstr("Evil &quot;CA&quot; &lt;b&gt;"));
}

TEST(ReportHtmlTest, IsOnePageWithNoScriptNoExternalResourceAndATimelinePerName) {
  ReportFacts f = Forbidden();
  ReportName second = f.names[0];
  second.name = "example.com";
  f.names.push_back(second);
  const std::string html = ReportHtml(f);
  EXPECT_THAT(html, HasSubstr("default-src 'none'"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("url(")));
  EXPECT_THAT(html, Not(HasSubstr("@import")));
  size_t timelines = 0;
  for (size_t at = 0; (at = html.find("<svg ", at)) != std::string::npos; ++at) ++timelines;
  EXPECT_EQ(timelines, 2u);
  EXPECT_THAT(html, HasSubstr("class=\"window-narrow\""));
  EXPECT_THAT(html, HasSubstr("class=\"window-wide\""));
  EXPECT_THAT(html, HasSubstr("class=\"log-entry\""));
  EXPECT_THAT(html, HasSubstr("<g class=\"caa-state\" data-state=\"0\">"));
  EXPECT_THAT(html, HasSubstr("To: cert-prob-reports@letsencrypt.org"));
}

// A finding with little to show (no CAA observation, no window, no certificate facts, an
// unknown CA) still gives both reports, saying what is not known.
TEST(ReportHtmlTest, AFindingWithoutObservationsOrWindowsStillRenders) {
  ReportFacts f;
  f.verdict = "unknown_issuer";
  ReportName name;
  name.name = "a.example";
  name.verdict = "unknown_issuer";
  f.names.push_back(name);
  const std::string html = ReportHtml(f);
  EXPECT_THAT(html, HasSubstr("<svg "));
  EXPECT_THAT(html, HasSubstr("(unknown)"));
  const std::string text = ReportText(f);
  EXPECT_THAT(text, HasSubstr("This is not a CAA violation report"));
  EXPECT_THAT(text, HasSubstr("No relevant CAA record set was found."));
}

}  // namespace
}  // namespace caawatch::evidence
