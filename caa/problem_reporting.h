// Where a CA takes certificate problem reports (BR §4.9.3; CCADB's "Problem Reporting
// Mechanism"): the e-mail addresses and URLs of a CCADB cell, which spells addresses
// "x[at]ca[dot]com" against harvesting and sometimes wraps them in prose.
#ifndef CAAWATCH_CAA_PROBLEM_REPORTING_H_
#define CAAWATCH_CAA_PROBLEM_REPORTING_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace caawatch::caa {

// At most this many contacts per CA, each at most kMaxContactBytes.
inline constexpr size_t kMaxContacts = 8;
inline constexpr size_t kMaxContactBytes = 256;

// The contacts of a CCADB cell, in the cell's order, without duplicates: e-mail addresses
// ("[at]" read as "@", "[dot]" as ".", a "mailto:" dropped) and URLs (http://, https://, or
// starting "www."). A cell that names neither but holds text (a contact form described in
// words) gives that text, whitespace collapsed, cut to kMaxContactBytes; a blank cell gives none.
std::vector<std::string> ProblemReportingContacts(absl::string_view cell);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_PROBLEM_REPORTING_H_
