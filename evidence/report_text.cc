#include "evidence/report_text.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "evidence/report_escape.h"
#include "evidence/report_wording.h"

namespace caawatch::evidence {
namespace {

constexpr char kNoContact[] =
    "To: the problem-reporting contact of the issuing CA (none is known here: CCADB lists them "
    "at https://ccadb.my.salesforce-sites.com/ccadb/AllProblemReportingMechanismsReport)";

// `text` wrapped at 96 columns after `indent`, words kept whole.
std::string Wrap(const std::string& text, const std::string& indent = "") {
  std::string out;
  std::string line = indent;
  for (absl::string_view word : absl::StrSplit(text, ' ', absl::SkipEmpty())) {
    if (line.size() > indent.size() && line.size() + 1 + word.size() > 96) {
      absl::StrAppend(&out, line, "\n");
      line = indent;
    }
    if (line.size() > indent.size()) line.push_back(' ');
    absl::StrAppend(&line, word);
  }
  if (line.size() > indent.size()) absl::StrAppend(&out, line, "\n");
  return out;
}

std::string Safe(const std::vector<std::string>& items) {
  std::vector<std::string> safe;
  for (const std::string& s : items) safe.push_back(PlainTextLine(s));
  return absl::StrJoin(safe, ", ");
}

void Field(std::string* out, absl::string_view label, const std::string& value) {
  if (!value.empty()) absl::StrAppend(out, "  ", label, ": ", value, "\n");
}

void CertificateSection(const ReportFacts& f, std::string* out) {
  absl::StrAppend(out, "\n1. The certificate\n");
  Field(out, "Subject names", f.dns_names.empty() ? "(none)" : Safe(f.dns_names));
  Field(out, "Subject", PlainTextLine(f.subject_dn));
  Field(out, "Serial number", PlainTextLine(f.serial_hex));
  Field(out, "Issuer", PlainTextLine(f.issuer_dn));
  Field(out, "Valid",
        absl::StrCat(ReportTime(f.not_before_ms), " to ", ReportTime(f.not_after_ms)));
  Field(out, "SHA-256 of the certificate", f.cert_sha256_hex);
  Field(out, "SHA-256 of the precertificate", f.precert_sha256_hex);
  Field(out,
        "SHA-256 of the TBSCertificate (without the poison and SCT extensions, the same "
        "for both)",
        f.tbs_sha256_hex);
}

void LogSection(const ReportFacts& f, std::string* out) {
  absl::StrAppend(out, "\n2. Where it was logged (Certificate Transparency)\n");
  for (const ReportLogEntry& e : f.entries) {
    absl::StrAppend(out, "  ", PlainTextLine(e.log), " (", PlainTextLine(e.log_url), "), entry ",
                    e.index, ", logged at ", ReportTime(e.timestamp_ms), ", ",
                    e.precertificate ? "precertificate" : "certificate", "\n");
    absl::StrAppend(out, "    proven by: ",
                    e.files.empty() ? "(not in this bundle)" : absl::StrJoin(e.files, ", "), "\n");
  }
}

void NameSection(const ReportFacts& f, const ReportName& n, std::string* out) {
  absl::StrAppend(out, "\n  ", PlainTextLine(n.name), ": ", n.verdict, "\n");
  if (n.relevant_name.empty()) {
    absl::StrAppend(out, "    No relevant CAA record set was found.\n");
  } else {
    absl::StrAppend(out, "    Relevant CAA record set, at ", PlainTextLine(n.relevant_name), ":\n");
    for (const std::string& r : n.relevant_records) {
      absl::StrAppend(out, "      ", PlainTextLine(n.relevant_name), ". CAA ", PlainTextLine(r),
                      "\n");
    }
  }
  absl::StrAppend(
      out, "    DNSSEC status of the answers: ", n.dnssec.empty() ? "unknown" : n.dnssec, "\n");
  absl::StrAppend(out,
                  "    Narrow window (the CA's check, normally): ", ReportTime(n.window_start_ms),
                  " to ", ReportTime(n.window_end_ms), "\n");
  absl::StrAppend(out, "    Wide window (a signing back-dated up to 48 hours before notBefore): ",
                  ReportTime(n.wide_window_start_ms), " to ", ReportTime(n.window_end_ms), "\n");
  absl::StrAppend(out, "    CAA answers observed (query name, from, to, answer):\n");
  for (const ReportObservation& o : n.observations) {
    absl::StrAppend(
        out, "      ", PlainTextLine(o.query_name), "  ", ReportTime(o.first_seen_ms), " to ",
        ReportTime(o.last_seen_ms), "  ", o.outcome, ", DNSSEC ", o.dnssec, ", TTL ", o.ttl,
        o.zone.empty()
            ? ""
            : absl::StrCat(", from zone ", PlainTextLine(o.zone), " serial ", o.zone_serial),
        "\n");
    for (const std::string& r : o.records) {
      absl::StrAppend(out, "        CAA ", PlainTextLine(r), "\n");
    }
    if (o.records.empty()) absl::StrAppend(out, "        (no CAA records)\n");
  }
  if (const std::string rule = RuleBroken(n, f); !rule.empty()) {
    absl::StrAppend(out, Wrap(absl::StrCat("Rule broken: ", PlainTextLine(rule)), "    "));
  }
  if (!n.reason.empty()) {
    absl::StrAppend(out, Wrap(absl::StrCat("Evaluation: ", PlainTextLine(n.reason)), "    "));
  }
}

void FilesSection(const ReportFacts& f, std::string* out) {
  absl::StrAppend(out, "\n5. The evidence in this bundle and how to check it\n");
  for (const std::string& file : f.bundle_files) {
    const std::string role = FileRole(file);
    absl::StrAppend(out, "  ", file, role.empty() ? "" : absl::StrCat(": ", role), "\n");
  }
  absl::StrAppend(out, Wrap(HowToCheck(), "  "));
}

}  // namespace

std::string ReportText(const ReportFacts& f) {
  std::string out;
  if (f.contacts.empty()) {
    absl::StrAppend(&out, kNoContact, "\n");
  } else {
    absl::StrAppend(&out, "To: ", Safe(f.contacts), "\n");
  }
  absl::StrAppend(&out, "Subject: ", PlainTextLine(ReportSubject(f)), "\n\n");
  absl::StrAppend(&out, "Certificate problem report (Baseline Requirements section 4.9.3) to ",
                  PlainTextLine(f.ca_owner.empty() ? "the issuing CA" : f.ca_owner), "\n\n");
  absl::StrAppend(&out, Wrap(PlainTextLine(VerdictSentence(f))));
  CertificateSection(f, &out);
  LogSection(f, &out);
  absl::StrAppend(&out, "\n3. The CAA records in force at issuance, per name\n");
  absl::StrAppend(&out, "  CAA issuer domain names the CA recognises: ",
                  f.caa_identifiers.empty() ? "(none known)" : Safe(f.caa_identifiers), "\n");
  for (const ReportName& n : f.names) NameSection(f, n, &out);
  absl::StrAppend(&out, "\n4. The requirement\n", Wrap(Citation(), "  "));
  FilesSection(f, &out);
  absl::StrAppend(&out, "\nWritten ", ReportTime(f.written_ms), " by caawatch from finding ", f.seq,
                  ".\n");
  return out;
}

}  // namespace caawatch::evidence
