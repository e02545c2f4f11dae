// The timeline picture of report.html (SPEC §8), one per certificate name: an inline SVG of
// the CAA states observed over time (one band per distinct answer, labelled), the narrow and
// the wide window, a mark per log entry and the verdict. Classes name each part (caa-state,
// window-narrow, window-wide, log-entry, verdict) so that a reader's tools can find them.
#ifndef CAAWATCH_EVIDENCE_REPORT_TIMELINE_H_
#define CAAWATCH_EVIDENCE_REPORT_TIMELINE_H_

#include <string>
#include <vector>

#include "evidence/report_facts.h"

namespace caawatch::evidence {

// The <svg> element for `name` and the log entries of its certificate; every untrusted string
// in it is HtmlText-escaped. The time axis spans the wide window and the log timestamps.
std::string TimelineSvg(const ReportName& name, const std::vector<ReportLogEntry>& entries);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_REPORT_TIMELINE_H_
