// report.html of an evidence bundle (SPEC §8): one self-contained page with the facts of
// report.txt and a timeline picture per certificate name. Inline CSS and inline SVG only: no
// script, no external resource of any kind (a Content-Security-Policy of default-src 'none'
// says so to the browser too), so opening it makes no network request.
#ifndef CAAWATCH_EVIDENCE_REPORT_HTML_H_
#define CAAWATCH_EVIDENCE_REPORT_HTML_H_

#include <string>

#include "evidence/report_facts.h"

namespace caawatch::evidence {

// The page; every untrusted string in it is HtmlText-escaped.
std::string ReportHtml(const ReportFacts& facts);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_REPORT_HTML_H_
