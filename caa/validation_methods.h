// The domain validation method labels of a CAA `validationmethods` parameter (RFC 8657 §4) as
// the CA/Browser Forum defined them (ballot SC-098, BR §4.2.2.1): ACME challenge types from the
// IANA "ACME Validation Methods" registry, and `ca-tbr-N` for the method of BR §3.2.2.4.N.
#ifndef CAAWATCH_CAA_VALIDATION_METHODS_H_
#define CAAWATCH_CAA_VALIDATION_METHODS_H_

#include <string>

#include "absl/strings/string_view.h"

namespace caawatch::caa {

enum class MethodLabel {
  kAcme,       // An ACME challenge type a CA can use for a domain name: http-01, dns-01, ...
  kBrMethod,   // ca-tbr-N: the Baseline Requirements' method 3.2.2.4.N (SC-098).
  kCaDefined,  // Another "ca-" label: named by one CA for its own non-ACME method (RFC 8657).
  kUnknown,    // None of these: no CA can have validated with it.
};

// Classifies `label` (one element of the comma-separated list). Labels are matched without
// regard to case: SC-098 makes lower case canonical but leaves case-insensitive matching to the
// CA, so only a label no spelling can make known is kUnknown.
MethodLabel ClassifyMethodLabel(absl::string_view label);

// What a label names, for a verdict's reason: "dns-01 (ACME)", "ca-tbr-7 (BR 3.2.2.4.7)",
// "ca-foo (CA-defined)", "foo-01 (unknown)".
std::string DescribeMethodLabel(absl::string_view label);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_VALIDATION_METHODS_H_
