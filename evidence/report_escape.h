// Untrusted text (certificate names, CAA values, CA names from CCADB) made safe for the two
// reports of a bundle: one line of plain text that cannot forge another, and HTML text that is
// only ever text.
#ifndef CAAWATCH_EVIDENCE_REPORT_ESCAPE_H_
#define CAAWATCH_EVIDENCE_REPORT_ESCAPE_H_

#include <string>

#include "absl/strings/string_view.h"

namespace caawatch::evidence {

// `s` with control characters (C0, DEL) and bytes that are not UTF-8 written as \xNN and a
// backslash as \\: printable on one line, every byte still readable.
std::string PlainTextLine(absl::string_view s);

// PlainTextLine(s) with &, <, >, " and ' as character references: safe as HTML element text
// and inside a quoted attribute value.
std::string HtmlText(absl::string_view s);

}  // namespace caawatch::evidence

#endif  // CAAWATCH_EVIDENCE_REPORT_ESCAPE_H_
