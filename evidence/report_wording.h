// The sentences report.txt and report.html share, so that both say the same thing: what a
// verdict means, which CAA rule a name's records broke, what a bundle file proves. Plain
// English for a CA's incident responder; nothing here is escaped (the renderers escape).
#ifndef CAAWATCH_EVIDENCE_REPORT_WORDING_H_
#define CAAWATCH_EVIDENCE_REPORT_WORDING_H_

#include <cstdint>
#include <string>

#include "evidence/report_facts.h"

namespace caawatch::evidence {

// "2026-11-28T16:08:40.000Z"; "(unknown)" for 0.
std::string ReportTime(int64_t ms);

// The report's subject line: what was issued and the finding.
std::string ReportSubject(const ReportFacts& facts);

// One paragraph: what the verdict says about the issuance, for a CA.
std::string VerdictSentence(const ReportFacts& facts);

// The CAA rule `name`'s relevant records broke, with its RFC 8659 section; "" unless the
// name's verdict is forbidden or likely_forbidden.
std::string RuleBroken(const ReportName& name, const ReportFacts& facts);

// The requirements a forbidden issuance breaks, with their sections (RFC 8659, BR 3.2.2.8,
// BR 4.9.1.1).
std::string Citation();

// What a bundle file holds and proves, from its name ("" for a file this does not know).
std::string FileRole(const std::string& file);

// How a third party checks the bundle: `caawatch evidence verify`, and by hand.
std::string HowToCheck();

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_REPORT_WORDING_H_
