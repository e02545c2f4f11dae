// CAA advice from what was issued (SPEC §8 `caa suggest`): the record set that permits exactly
// the CAs seen issuing for a subtree (RFC 8659 §4.2, §4.3), and the CAs that the records in force
// would stop at their next renewal. Pure functions of plain facts.
#ifndef CAAWATCH_JUDGE_CAA_SUGGESTION_H_
#define CAAWATCH_JUDGE_CAA_SUGGESTION_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/time/time.h"
#include "absl/types/span.h"
#include "caa/caa_answer.h"
#include "caa/relevant_set.h"
#include "names/domain_name.h"

namespace caawatch::judge {

// One certificate seen for the subtree.
struct SeenIssuance {
  std::string ca;                        // The CA's owner name (or its DN when unknown).
  std::vector<std::string> identifiers;  // Its CAA identifiers, the one to publish first; empty
                                         // when the issuer map has none.
  std::vector<std::string> names;        // Its dNSNames in the subtree; "*.x" is a wildcard.
  absl::Time issued;
  std::string verdict;  // The certificate's verdict as judged (store/verdict.h's names).
};

// A CA that issued, with what it issued.
struct IssuingCa {
  std::string ca;
  std::string identifier;  // Empty: no CAA identifier is known, so no record can name it.
  int certificates = 0;
  bool plain = false;     // Issued for at least one name that is not a wildcard.
  bool wildcard = false;  // Issued for at least one wildcard name.
  absl::Time last_issued = absl::InfinitePast();
};

struct CaaSuggestion {
  std::vector<IssuingCa> cas;           // By identifier; the CAs with none last.
  std::vector<caa::CaaRecord> records;  // Empty when nothing was issued.
};

// The CAs of `seen` and the record set that permits exactly them: `issue` for each CA that
// issued a plain name (`issue ";"` when only wildcards were issued), and, when the CAs that
// issued wildcards are not the same set, `issuewild` for each of those (`issuewild ";"` when none
// did), since a set with issuewild makes issue count for no wildcard name (RFC 8659 §4.3).
// A CA without identifiers is listed but named by no record.
CaaSuggestion SuggestCaa(absl::Span<const SeenIssuance> seen);

// A CA that issued recently but that the records in force forbid for one of its names.
struct RenewalWarning {
  std::string ca;
  std::string identifier;
  std::string name;  // The most recently issued of its forbidden names.
  absl::Time last_issued;
  std::string reason;  // Why the records in force forbid it (caa::EvaluateName's reason).
};

// For each CA of `seen` with identifiers, evaluates each name it issued (caa::EvaluateName)
// against `in_force(name)`, the relevant set in force for it now; one warning per CA that any
// of them forbids, for its most recently issued such name, in the order of SuggestCaa's CAs.
// A name that is no DomainName, or whose set is indeterminate, warns of nothing.
std::vector<RenewalWarning> RenewalsForbidden(
    absl::Span<const SeenIssuance> seen,
    absl::FunctionRef<caa::RelevantSet(const names::DomainName&)> in_force);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_CAA_SUGGESTION_H_
