// The value of an issue / issuewild property (RFC 8659 §4.2, §4.3), parsed by the strict ABNF.
// The same grammar serves issuemail (RFC 9495 §3).
#ifndef CAAWATCH_CAA_ISSUE_VALUE_H_
#define CAAWATCH_CAA_ISSUE_VALUE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace caawatch::caa {

struct IssueValue {
  // Lowercased issuer-domain-name; empty for "", ";", whitespace only (authorises nobody).
  std::string issuer_domain;
  // (parameter-tag, parameter-value) in order of appearance, tags as written (may repeat).
  std::vector<std::pair<std::string, std::string>> parameters;

  bool operator==(const IssueValue&) const = default;
};

// Parses `value` (the raw property value octets) against RFC 8659 §4.2:
//   issue-value        = *WSP [issuer-domain-name *WSP] [";" *WSP [parameters *WSP]]
//   issuer-domain-name = label *("." label)
//   label              = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT))
//   parameters         = (parameter *WSP ";" *WSP parameters) / parameter
//   parameter          = tag *WSP "=" *WSP value
//   tag                = (ALPHA / DIGIT) *( *("-") (ALPHA / DIGIT))
//   value              = *(%x21-3A / %x3C-7E)
// WSP is space or tab. So "ca.example;" is valid, "ca.example; a=b;" (separator after the last
// parameter) is not, parameter tags may hold interior hyphens, parameter values may be empty.
// Returns kInvalidArgument when `value` does not match; RFC 8659 §4.2 says such a property
// "MUST be treated the same as one specifying an empty issuer-domain-name", which callers do.
[[nodiscard]] absl::StatusOr<IssueValue> ParseIssueValue(absl::string_view value);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_ISSUE_VALUE_H_
