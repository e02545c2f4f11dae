// The facts of a finding that report.txt and report.html put before a CA's incident responder
// (SPEC §8): plain values, gathered by monitor/ from the store and the bundle it wrote. Every
// string here may come from a certificate, a DNS answer or CCADB: untrusted, escaped by each
// renderer for its format.
#ifndef CAAWATCH_EVIDENCE_REPORT_FACTS_H_
#define CAAWATCH_EVIDENCE_REPORT_FACTS_H_

#include <cstdint>
#include <string>
#include <vector>

namespace caawatch::evidence {

inline constexpr char kReportTextFileName[] = "report.txt";
inline constexpr char kReportHtmlFileName[] = "report.html";

// One CAA answer for one query name, unchanged over [first_seen_ms, last_seen_ms].
struct ReportObservation {
  std::string query_name;
  int64_t first_seen_ms = 0;
  int64_t last_seen_ms = 0;
  std::string outcome;  // "noerror", "nxdomain", "servfail", ...
  std::string dnssec;   // "secure", "insecure", "bogus", "indeterminate".
  uint32_t ttl = 0;
  std::vector<std::string> records;  // Presentation form: `0 issue "pki.goog"`.
  std::string zone;                  // Learnt from a transfer of this zone; "" = a lookup.
  uint32_t zone_serial = 0;
};

// How one certificate name was judged against CAA.
struct ReportName {
  std::string name;
  std::string verdict;  // SPEC §2 name: "forbidden", "permitted", ...
  std::string reason;
  std::string relevant_name;  // Where the relevant record set was found; "" = none.
  std::vector<std::string> relevant_records;
  int64_t window_start_ms = 0;  // Narrow window [start, end]: the CA's check, normally.
  int64_t window_end_ms = 0;
  int64_t wide_window_start_ms = 0;  // Wide window [wide start, end]: a back-dated signing.
  std::string dnssec;
  std::vector<ReportObservation> observations;  // Oldest first.
};

struct ReportLogEntry {
  std::string log;  // The log's description, else its URL.
  std::string log_url;
  uint64_t index = 0;
  int64_t timestamp_ms = 0;
  bool precertificate = false;
  std::vector<std::string> files;  // The bundle files that prove it; empty: left out.
};

struct ReportFacts {
  uint64_t seq = 0;
  std::string verdict;
  std::string severity;
  std::string reason;
  std::vector<std::string> dns_names;  // The certificate's subject names.
  std::string subject_dn;
  std::string serial_hex;
  std::string issuer_dn;
  std::string ca_owner;                      // From the CA map; "" = not known.
  std::vector<std::string> caa_identifiers;  // Of the CA.
  std::vector<std::string> contacts;         // The CA's problem-reporting contacts.
  std::string cert_sha256_hex;
  std::string precert_sha256_hex;
  std::string tbs_sha256_hex;
  int64_t not_before_ms = 0;
  int64_t not_after_ms = 0;
  std::vector<ReportLogEntry> entries;
  std::vector<ReportName> names;
  std::vector<std::string> bundle_files;  // Every file of the bundle besides the reports.
  int64_t written_ms = 0;
};

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_REPORT_FACTS_H_
