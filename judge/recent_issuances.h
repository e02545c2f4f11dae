// The certificates the store holds for a subtree, issued since a time, as plain facts for
// judge/caa_suggestion.h: who issued which names of the subtree, and when (the earliest log
// timestamp, the end of the CA's CAA window; else notBefore).
#ifndef CAAWATCH_JUDGE_RECENT_ISSUANCES_H_
#define CAAWATCH_JUDGE_RECENT_ISSUANCES_H_

#include <cstddef>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "judge/caa_suggestion.h"
#include "names/domain_name.h"
#include "store/findings.h"

namespace caawatch::judge {

// Reads the certificate findings for `apex` and the names below it issued at or after `since`,
// at most `limit` of them (the newest kept); only their names at or under `apex` count, and a
// certificate with none is left out. Errors: the store's.
[[nodiscard]] absl::StatusOr<std::vector<SeenIssuance>> RecentIssuances(
    store::Findings& findings, const names::DomainName& apex, absl::Time since, size_t limit);

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_RECENT_ISSUANCES_H_
