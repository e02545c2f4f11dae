#include "monitor/finding_report.h"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "caa/issuer_store.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/sha256.h"
#include "evidence/bundle_files.h"
#include "evidence/bundle_writer.h"
#include "evidence/report_html.h"
#include "evidence/report_text.h"
#include "store/finding_kind.h"

namespace caawatch::monitor {
namespace {

// BR §7.1.2.7: notBefore within 48 hours of the signing (caa::WindowOptions'
// not_before_slack).
constexpr int64_t kNotBeforeSlackMs = 48 * 3'600'000;

std::string Hex(const std::string& bytes) {
  return HexEncode(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
}

ctlog::Sha256Hash ToHash(const std::string& bytes) {
  ctlog::Sha256Hash hash{};
  std::copy_n(bytes.begin(), std::min(bytes.size(), hash.size()), hash.begin());
  return hash;
}

// RFC 8659 §4.1.1 presentation form: `0 issue "pki.goog"`, the value's quote, backslash and
// non-printable bytes escaped as RFC 1035 §5.1 does.
std::string Presentation(const store::CaaRecordPb& r) {
  std::string value;
  for (const char c : r.value()) {
    const unsigned char u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      absl::StrAppend(&value, "\\", std::string(1, c));
    } else if (u < 0x20 || u >= 0x7f) {
      absl::StrAppendFormat(&value, "\\%03d", u);
    } else {
      value.push_back(c);
    }
  }
  return absl::StrCat(r.flags(), " ", r.tag(), " \"", value, "\"");
}

evidence::ReportObservation ToReport(const store::CaaObservationRecord& o) {
  evidence::ReportObservation out;
  out.query_name = o.query_name();
  out.first_seen_ms = o.first_seen_ms();
  out.last_seen_ms = o.last_seen_ms();
  out.outcome = o.outcome();
  out.dnssec = o.dnssec();
  out.ttl = o.ttl();
  for (const store::CaaRecordPb& r : o.records()) out.records.push_back(Presentation(r));
  if (o.basis() == "zone") {
    out.zone = o.zone();
    out.zone_serial = o.zone_serial();
  }
  return out;
}

evidence::ReportName ToReport(const store::CaaNameRecord& c, int64_t not_before_ms) {
  evidence::ReportName n;
  n.name = c.name();
  n.verdict = c.verdict();
  n.reason = c.reason();
  n.relevant_name = c.relevant_name();
  for (const store::CaaRecordPb& r : c.records()) n.relevant_records.push_back(Presentation(r));
  n.window_start_ms = c.window_start_ms();
  n.window_end_ms = c.window_end_ms();
  // The wide window as caa::EvaluateAtIssuance computes it (not stored): the narrow one's
  // length is max(8 h, TTL) + TTL, stretched back to a signing 48 hours before notBefore.
  const int64_t check_and_cache = c.window_end_ms() - c.window_start_ms();
  n.wide_window_start_ms =
      not_before_ms == 0
          ? c.window_start_ms()
          : std::min(c.window_start_ms(), not_before_ms - kNotBeforeSlackMs - check_and_cache);
  n.dnssec = c.dnssec();
  for (const store::CaaObservationRecord& o : c.observations()) {
    n.observations.push_back(ToReport(o));
  }
  std::sort(n.observations.begin(), n.observations.end(),
            [](const auto& a, const auto& b) { return a.first_seen_ms < b.first_seen_ms; });
  return n;
}

// Subject, serial and issuer from the certificate (else the precertificate) the store holds.
absl::Status AddCertificateFacts(store::Store* store, const store::FindingRecord& finding,
                                 evidence::ReportFacts* facts) {
  for (const std::string* sha256 : {&finding.cert_sha256(), &finding.precert_sha256()}) {
    if (sha256->empty()) continue;
    CAAWATCH_ASSIGN_OR_RETURN(std::optional<std::string> der,
                              store->findings().GetCertificateDer(*sha256));
    if (!der.has_value()) continue;
    const ctlog::CertificateIdentity id = ctlog::ParseCertificateIdentity(
        absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(der->data()), der->size()));
    facts->subject_dn = id.subject_dn;
    facts->serial_hex = id.serial_hex;
    facts->issuer_dn = id.issuer_dn;
    break;
  }
  if (facts->issuer_dn.empty()) facts->issuer_dn = finding.issuer().dn();
  return absl::OkStatus();
}

void AddEntries(const store::FindingRecord& finding,
                const std::map<std::string, std::string>& descriptions, const std::string& out_dir,
                evidence::ReportFacts* facts) {
  for (const store::EntryRef& e : finding.entries()) {
    evidence::ReportLogEntry entry;
    const auto described = descriptions.find(e.log_id());
    entry.log = described != descriptions.end() && !described->second.empty() ? described->second
                                                                              : e.log_url();
    entry.log_url = e.log_url();
    entry.index = e.index();
    entry.timestamp_ms = e.timestamp_ms();
    entry.precertificate = e.precert();
    const ctlog::Sha256Hash log_id = ToHash(e.log_id());
    for (const std::string& file :
         {evidence::EntryFileName(log_id, e.index()), evidence::ProofFileName(log_id, e.index()),
          evidence::HeadFileName(log_id, e.inclusion().tree_size())}) {
      std::error_code error;
      if (std::filesystem::exists(std::filesystem::path(out_dir) / file, error)) {
        entry.files.push_back(file);
      }
    }
    facts->entries.push_back(std::move(entry));
  }
}

std::vector<std::string> BundleFiles(const std::string& out_dir) {
  std::vector<std::string> files;
  std::error_code error;
  for (const auto& file : std::filesystem::directory_iterator(out_dir, error)) {
    const std::string name = file.path().filename().string();
    if (name != evidence::kReportTextFileName && name != evidence::kReportHtmlFileName) {
      files.push_back(name);
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

absl::StatusOr<evidence::ReportFacts> GatherReportFacts(const MonitorConfig& config,
                                                        store::Store* store,
                                                        const store::FindingRecord& finding,
                                                        const std::string& out_dir,
                                                        absl::Time now) {
  evidence::ReportFacts facts;
  facts.seq = finding.seq();
  facts.verdict = finding.verdict();
  facts.severity = finding.severity();
  facts.reason = finding.reason();
  facts.dns_names.assign(finding.names().begin(), finding.names().end());
  facts.ca_owner = finding.issuer().ca_owner();
  facts.caa_identifiers.assign(finding.issuer().caa_identifiers().begin(),
                               finding.issuer().caa_identifiers().end());
  if (absl::StatusOr<caa::IssuerMap> map = caa::LoadIssuerMap(config.data_dir);
      map.ok() && !facts.ca_owner.empty()) {
    if (const caa::CaEntry* entry = map->FindOwner(facts.ca_owner)) {
      facts.contacts = entry->problem_reporting;
    }
  }
  facts.cert_sha256_hex = Hex(finding.cert_sha256());
  facts.precert_sha256_hex = Hex(finding.precert_sha256());
  facts.tbs_sha256_hex = Hex(finding.tbs_sha256());
  facts.not_before_ms = finding.not_before_ms();
  facts.not_after_ms = finding.not_after_ms();
  CAAWATCH_RETURN_IF_ERROR(AddCertificateFacts(store, finding, &facts));
  std::map<std::string, std::string> descriptions;
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<store::LogStateRecord> logs,
                            store->logs().ListStates());
  for (const store::LogStateRecord& log : logs) descriptions[log.log_id()] = log.description();
  AddEntries(finding, descriptions, out_dir, &facts);
  for (const store::CaaNameRecord& c : finding.caa()) {
    facts.names.push_back(ToReport(c, finding.not_before_ms()));
  }
  facts.bundle_files = BundleFiles(out_dir);
  facts.written_ms = absl::ToUnixMillis(now);
  return facts;
}

bool HasCaReport(const store::FindingRecord& finding) {
  return store::HasKind(finding, store::FindingKind::kCertificate) ||
         store::HasKind(finding, store::FindingKind::kMalformedCert);
}

absl::StatusOr<evidence::ReportFacts> WriteFindingReports(const MonitorConfig& config,
                                                          store::Store* store,
                                                          const store::FindingRecord& finding,
                                                          const std::string& out_dir,
                                                          absl::Time now) {
  CAAWATCH_ASSIGN_OR_RETURN(evidence::ReportFacts facts,
                            GatherReportFacts(config, store, finding, out_dir, now));
  CAAWATCH_RETURN_IF_ERROR(evidence::WriteBundleFile(out_dir, evidence::kReportTextFileName,
                                                     evidence::ReportText(facts)));
  CAAWATCH_RETURN_IF_ERROR(evidence::WriteBundleFile(out_dir, evidence::kReportHtmlFileName,
                                                     evidence::ReportHtml(facts)));
  return facts;
}

}  // namespace caawatch::monitor
