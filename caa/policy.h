// Per-name CAA evaluation (RFC 8659 §4, RFC 8657) and the certificate-level combination: pure
// functions of plain facts (a name, its Relevant RRset, the issuing CA's CAA identifiers).
#ifndef CAAWATCH_CAA_POLICY_H_
#define CAAWATCH_CAA_POLICY_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "caa/relevant_set.h"

namespace caawatch::caa {

enum class NameVerdict {
  kPermitted,             // No CAA, nothing applicable, or an unconditional matching property.
  kPermittedConditional,  // Permitted if facts absent from the certificate hold: RFC 8657
                          // accounturi/validationmethods, CA-defined parameters, or a critical
                          // tag only some CAs support (issuemail, issuevmc, contact tags).
  kForbidden,             // The relevant set does not authorise any of the CA's identifiers.
  kIndeterminate,         // The relevant set is unknown (DNS failure) or the CA is unknown.
};

struct NameEvaluation {
  std::string name;  // The DomainName passed in, e.g. "*.example.com".
  NameVerdict verdict = NameVerdict::kIndeterminate;
  RelevantSet relevant;
  std::string reason;  // Why, naming the relevant name and the deciding property.
};

// Facts known about how a CA operates that sharpen the RFC 8657 evaluation. Empty = know nothing.
struct CaPractices {
  // validationmethods labels the CA can use for wildcard names, e.g. {"dns-01"} for Let's
  // Encrypt (ISRG CP/CPS §3.2.2). When non-empty, a property whose validationmethods list holds
  // none of them cannot authorise a wildcard name. Opt-in per CA (caa-rules.md §3).
  std::vector<std::string> wildcard_validation_methods;
};

// Evaluates one certificate dNSName against its Relevant RRset (from FindRelevantSet on the
// same name). `ca_identifiers` are the issuing CA's CAA issuer domain names; comparison with
// issuer-domain-names is case-insensitive. Rules (caa-rules.md §2.9):
// - relevant set indeterminate -> kIndeterminate; no set -> kPermitted ("no CAA");
// - a critical (flag bit 128 only; other bits are reserved and ignored) property with a tag
//   other than issue/issuewild/iodef/contactemail/contactphone/issuemail/issuevmc -> kForbidden
//   for every CA (RFC 8659 §4.5); a critical tag among the last four is CA-dependent and turns a
//   kPermitted into kPermittedConditional;
// - for a wildcard name ("*." prefix) with >= 1 issuewild property, only issuewild counts;
//   otherwise only issue counts (issuewild is ignored for non-wildcard names) (RFC 8659 §4.3);
// - no counting property -> kPermitted; properties are additive; a value that fails the
//   RFC 8659 §4.2 grammar or names an empty issuer authorises nobody;
// - a matching property without parameters -> kPermitted; with parameters -> conditional,
//   unless unsatisfiable from DNS alone (RFC 8657: two accounturi, an accounturi that is not a
//   URI, two validationmethods, an empty or malformed method list, or a list disjoint from
//   practices.wildcard_validation_methods for a wildcard name) -> that property authorises
//   nobody;
// - a restricting set with empty `ca_identifiers` -> kIndeterminate (unknown issuer is never
//   reported as forbidden).
NameEvaluation EvaluateName(const names::DomainName& dns_name, const RelevantSet& relevant,
                            absl::Span<const std::string> ca_identifiers,
                            const CaPractices& practices = {});

// Certificate verdict: kForbidden if any name is forbidden, else kIndeterminate if any is
// indeterminate, else kPermittedConditional if any is conditional, else kPermitted (also for
// an empty span: nothing was restricted).
NameVerdict CombineNames(absl::Span<const NameEvaluation> names);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_POLICY_H_
