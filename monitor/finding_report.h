// report.txt and report.html of an evidence bundle (SPEC §8): the facts of a finding gathered
// from the store, the certificate it holds, the CA map (for the CA's problem-reporting
// contact) and the bundle already written, rendered by evidence/report_*.
#ifndef CAAWATCH_MONITOR_FINDING_REPORT_H_
#define CAAWATCH_MONITOR_FINDING_REPORT_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "evidence/report_facts.h"
#include "monitor/config.h"
#include "store/records.pb.h"
#include "store/store.h"

namespace caawatch::monitor {

// The report facts of `finding`, whose other bundle files are in `out_dir`. The CA's contacts
// come from the CA map of config.data_dir (none when it cannot be read: the report says that
// none is known). Errors: those of the store.
[[nodiscard]] absl::StatusOr<evidence::ReportFacts> GatherReportFacts(
    const MonitorConfig& config, store::Store* store, const store::FindingRecord& finding,
    const std::string& out_dir, absl::Time now);

// Whether `finding` is something to report to the CA that issued it (report.txt, report.html):
// a certificate or a malformed certificate; not a log's misbehaviour, nor a warning that CAA
// will break a renewal.
bool HasCaReport(const store::FindingRecord& finding);

// Writes report.txt and report.html into `out_dir` (after the bundle's other files) and
// returns the facts they hold. kInternal when a file cannot be written; errors of
// GatherReportFacts.
[[nodiscard]] absl::StatusOr<evidence::ReportFacts> WriteFindingReports(
    const MonitorConfig& config, store::Store* store, const store::FindingRecord& finding,
    const std::string& out_dir, absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_FINDING_REPORT_H_
