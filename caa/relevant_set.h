// The Relevant RRset of RFC 8659 §3: the CAA answer that governs a name, found by climbing from
// the name towards (but never to) the root, stopping at the first non-empty answer.
#ifndef CAAWATCH_CAA_RELEVANT_SET_H_
#define CAAWATCH_CAA_RELEVANT_SET_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "caa/caa_answer.h"
#include "names/domain_name.h"

namespace caawatch::caa {

enum class RelevantSetOutcome {
  kFound,  // A non-empty answer governs the name (it may still restrict nothing).
  kNone,   // Every name up to the TLD answered empty or NXDOMAIN (the TLD itself: empty):
           // CAA does not apply.
  // A name that had to be consulted failed, or the TLD answered NXDOMAIN (a broken resolver).
  kIndeterminate,
};

struct RelevantSet {
  RelevantSetOutcome outcome = RelevantSetOutcome::kNone;
  // kFound: the query name whose answer is the set. kIndeterminate: the name that failed.
  std::string relevant_name;
  std::vector<CaaRecord> records;  // The relevant set itself (kFound only).
  // Every answer consulted, from the search name upwards; the last one decided the outcome.
  std::vector<CaaAnswer> consulted;
  std::string reason;  // Human-readable account of the outcome.
};

// The query names the climb may consult for `name`, most specific first: the name itself, then
// each parent, down to and including the TLD (never the root). A certificate wildcard "*.x" is
// searched from "x" (RFC 8659 §3: "a request for a Wildcard Domain Name *.X ->
// RelevantCAASet(X)"). Lets a poller cover exactly what FindRelevantSet will read.
std::vector<names::DomainName> SearchNames(const names::DomainName& name);

// Looks up the Relevant RRset for `name` (an FQDN or a certificate wildcard "*.x", which this
// function searches from "x"). `lookup(qname)` must perform an ordinary RFC 1034 §4.3.2 CAA
// query for qname: alias (CNAME, or DNAME-synthesised CNAME) chasing happens inside it and the
// returned CaaAnswer's records are the chain target's, with the chain in cname_chain. The climb
// continues from Parent(qname), never from an alias target's parent (RFC 8659 §3 and §7; the
// original RFC 6844 climbed from targets, erratum 5065 removed that).
// Rules: an answer is empty when NOERROR/NODATA or NXDOMAIN (both mean "continue"), except
// NXDOMAIN for the TLD, which makes the outcome kIndeterminate (every TLD in use exists); the first
// non-empty answer is the set even when it restricts nothing (RFC 8659 §3, BR ballot 219); a
// failure (SERVFAIL, REFUSED, timeout, bogus DNSSEC, any other error) at a name reached before
// a non-empty answer makes the outcome kIndeterminate, never "no CAA"; names above the one that
// answered are never queried, so their failures cannot matter. Never fails. (Text that is no
// DomainName has no search path: the caller judges it, see judge/issuance_evaluator.cc.)
RelevantSet FindRelevantSet(const names::DomainName& name,
                            absl::FunctionRef<CaaAnswer(const names::DomainName& qname)> lookup);

}  // namespace caawatch::caa

#endif  // CAAWATCH_CAA_RELEVANT_SET_H_
