// report.txt of an evidence bundle (SPEC §8): a plain-text problem report addressed to the
// issuing CA's problem-reporting contact, with the facts, the rule broken and the bundle files
// that prove each fact.
#ifndef CAAWATCH_EVIDENCE_REPORT_TEXT_H_
#define CAAWATCH_EVIDENCE_REPORT_TEXT_H_

#include <string>

#include "evidence/report_facts.h"

namespace caawatch::evidence {

// The report as UTF-8 text, lines of at most ~100 columns where the facts allow; every
// untrusted string on one line of its own making (PlainTextLine).
std::string ReportText(const ReportFacts& facts);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_REPORT_TEXT_H_
