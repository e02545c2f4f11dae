#include "evidence/report_html.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "evidence/report_escape.h"
#include "evidence/report_timeline.h"
#include "evidence/report_wording.h"

namespace caawatch::evidence {
namespace {

constexpr char kHead[] = R"(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<meta name="referrer" content="no-referrer">
<style>
body { font-family: sans-serif; max-width: 960px; margin: 1em auto; color: #222; }
h1 { font-size: 1.4em; } h2 { font-size: 1.15em; margin-top: 1.5em; }
table { border-collapse: collapse; } td, th { text-align: left; vertical-align: top;
  padding: 2px 8px; border-bottom: 1px solid #ddd; }
code, .mono { font-family: monospace; word-break: break-all; }
.verdict-forbidden, .verdict-likely_forbidden { color: #b00020; font-weight: bold; }
svg.timeline { border: 1px solid #ccc; margin: 4px 0 16px; font-size: 11px; }
svg .window-wide { fill: #fff3c4; } svg .window-narrow { fill: #ffd59e; }
svg .log-entry { stroke: #b00020; stroke-width: 2; } svg .axis { stroke: #555; }
svg .window-label, svg .tick { fill: #555; } svg text.verdict { font-size: 13px; }
svg .lane { fill: #000; fill-opacity: 0.05; }
</style>
)";

std::string Row(const std::string& label, const std::string& escaped_value) {
  return absl::StrCat("<tr><th>", label, "</th><td>", escaped_value, "</td></tr>\n");
}

std::string List(const std::vector<std::string>& items) {
  std::vector<std::string> escaped;
  for (const std::string& s : items) escaped.push_back(HtmlText(s));
  return absl::StrJoin(escaped, ", ");
}

void Certificate(const ReportFacts& f, std::string* out) {
  absl::StrAppend(out, "<h2>The certificate</h2>\n<table>\n");
  absl::StrAppend(out, Row("Subject names", List(f.dns_names)));
  absl::StrAppend(out, Row("Subject", HtmlText(f.subject_dn)));
  absl::StrAppend(out, Row("Serial number", absl::StrCat("<span class=\"mono\">",
                                                         HtmlText(f.serial_hex), "</span>")));
  absl::StrAppend(out, Row("Issuer", HtmlText(f.issuer_dn)));
  absl::StrAppend(out, Row("Valid", absl::StrCat(ReportTime(f.not_before_ms), " to ",
                                                 ReportTime(f.not_after_ms))));
  for (const auto& [label, hash] :
       {std::pair<const char*, const std::string*>{"SHA-256 of the certificate",
                                                   &f.cert_sha256_hex},
        {"SHA-256 of the precertificate", &f.precert_sha256_hex},
        {"SHA-256 of the TBSCertificate (poison and SCTs removed)", &f.tbs_sha256_hex}}) {
    if (!hash->empty()) {
      absl::StrAppend(out, Row(label, absl::StrCat("<code>", HtmlText(*hash), "</code>")));
    }
  }
  absl::StrAppend(out, "</table>\n");
}

void Logs(const ReportFacts& f, std::string* out) {
  absl::StrAppend(out,
                  "<h2>Where it was logged</h2>\n<table>\n<tr><th>Log</th><th>Entry</th>"
                  "<th>Logged at</th><th>Kind</th><th>Proven by</th></tr>\n");
  for (const ReportLogEntry& e : f.entries) {
    absl::StrAppend(out, "<tr><td>", HtmlText(e.log), "<br><span class=\"mono\">",
                    HtmlText(e.log_url), "</span></td><td>", e.index, "</td><td>",
                    ReportTime(e.timestamp_ms), "</td><td>",
                    e.precertificate ? "precertificate" : "certificate", "</td><td>",
                    e.files.empty() ? "(not in this bundle)" : List(e.files), "</td></tr>\n");
  }
  absl::StrAppend(out, "</table>\n");
}

void Name(const ReportFacts& f, const ReportName& n, std::string* out) {
  absl::StrAppend(out, "<h3>", HtmlText(n.name), ": <span class=\"verdict-", HtmlText(n.verdict),
                  "\">", HtmlText(n.verdict), "</span></h3>\n");
  absl::StrAppend(out, TimelineSvg(n, f.entries));
  absl::StrAppend(out, "<table>\n");
  if (n.relevant_name.empty()) {
    absl::StrAppend(out, Row("Relevant record set", "none found"));
  } else {
    std::vector<std::string> records;
    for (const std::string& r : n.relevant_records) {
      records.push_back(absl::StrCat(HtmlText(n.relevant_name), ". CAA ", HtmlText(r)));
    }
    absl::StrAppend(out, Row("Relevant record set",
                             absl::StrCat("<code>", absl::StrJoin(records, "<br>"), "</code>")));
  }
  absl::StrAppend(out, Row("DNSSEC", HtmlText(n.dnssec.empty() ? "unknown" : n.dnssec)));
  absl::StrAppend(out, Row("Narrow window", absl::StrCat(ReportTime(n.window_start_ms), " to ",
                                                         ReportTime(n.window_end_ms))));
  absl::StrAppend(out, Row("Wide window", absl::StrCat(ReportTime(n.wide_window_start_ms), " to ",
                                                       ReportTime(n.window_end_ms))));
  if (const std::string rule = RuleBroken(n, f); !rule.empty()) {
    absl::StrAppend(out, Row("Rule broken", HtmlText(rule)));
  }
  if (!n.reason.empty()) absl::StrAppend(out, Row("Evaluation", HtmlText(n.reason)));
  absl::StrAppend(out,
                  "</table>\n<table>\n<tr><th>Query name</th><th>Observed from</th>"
                  "<th>to</th><th>Answer</th><th>DNSSEC</th><th>CAA records</th></tr>\n");
  for (const ReportObservation& o : n.observations) {
    std::vector<std::string> records;
    for (const std::string& r : o.records) records.push_back(HtmlText(r));
    absl::StrAppend(
        out, "<tr><td>", HtmlText(o.query_name), "</td><td>", ReportTime(o.first_seen_ms),
        "</td><td>", ReportTime(o.last_seen_ms), "</td><td>", HtmlText(o.outcome),
        o.zone.empty()
            ? ""
            : absl::StrCat("<br>from zone ", HtmlText(o.zone), " serial ", o.zone_serial),
        "</td><td>", HtmlText(o.dnssec), "</td><td><code>", absl::StrJoin(records, "<br>"),
        "</code></td></tr>\n");
  }
  absl::StrAppend(out, "</table>\n");
}

}  // namespace

std::string ReportHtml(const ReportFacts& f) {
  std::string out = kHead;
  absl::StrAppend(&out, "<title>", HtmlText(ReportSubject(f)), "</title>\n</head>\n<body>\n");
  absl::StrAppend(&out, "<h1>", HtmlText(ReportSubject(f)), "</h1>\n");
  absl::StrAppend(&out, "<p class=\"to\">To: ",
                  f.contacts.empty()
                      ? "the problem-reporting contact of the issuing CA (none is known here: "
                        "CCADB lists them in its report of CA problem reporting mechanisms)"
                      : List(f.contacts),
                  "</p>\n");
  absl::StrAppend(&out, "<p>", HtmlText(VerdictSentence(f)), "</p>\n");
  absl::StrAppend(&out, "<p>Issuing CA: ", HtmlText(f.ca_owner.empty() ? "unknown" : f.ca_owner),
                  "; CAA issuer domain names it recognises: ",
                  f.caa_identifiers.empty() ? "none known" : List(f.caa_identifiers), "</p>\n");
  Certificate(f, &out);
  Logs(f, &out);
  absl::StrAppend(&out, "<h2>The CAA records in force at issuance, per name</h2>\n");
  for (const ReportName& n : f.names) Name(f, n, &out);
  absl::StrAppend(&out, "<h2>The requirement</h2>\n<p>", HtmlText(Citation()), "</p>\n");
  absl::StrAppend(&out, "<h2>The evidence in this bundle and how to check it</h2>\n<ul>\n");
  for (const std::string& file : f.bundle_files) {
    const std::string role = FileRole(file);
    absl::StrAppend(&out, "<li><code>", HtmlText(file), "</code>",
                    role.empty() ? "" : absl::StrCat(": ", HtmlText(role)), "</li>\n");
  }
  absl::StrAppend(&out, "</ul>\n<p>", HtmlText(HowToCheck()), "</p>\n");
  absl::StrAppend(&out, "<p>Written ", ReportTime(f.written_ms), " by caawatch from finding ",
                  f.seq, ".</p>\n</body>\n</html>\n");
  return out;
}

}  // namespace caawatch::evidence
