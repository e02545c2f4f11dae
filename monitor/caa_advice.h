// `caawatch caa suggest`: the stored certificates of a subtree, the CAA record set that permits
// exactly their CAs (judge/caa_suggestion.h), the records in force from the latest observations,
// and the CAs those records would stop at renewal (SPEC §8).
#ifndef CAAWATCH_MONITOR_CAA_ADVICE_H_
#define CAAWATCH_MONITOR_CAA_ADVICE_H_

#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caa/relevant_set.h"
#include "judge/caa_suggestion.h"
#include "store/store.h"

namespace caawatch::monitor {

struct CaaAdvice {
  std::string name;  // The subtree's apex, as a DomainName ("example.com").
  absl::Time since;  // Certificates issued at or after this time count.
  size_t certificates = 0;
  judge::CaaSuggestion suggestion;
  // The relevant set in force for `name` by the latest stored observation of each name of its
  // search path (never observed: kIndeterminate), and when the deciding one was last seen.
  caa::RelevantSet in_force;
  absl::Time in_force_seen = absl::InfinitePast();
  std::vector<judge::RenewalWarning> warnings;  // Judged against each name's own set in force.
};

// At most this many certificates are read; more are left out (the newest are kept).
inline constexpr size_t kMaxAdviceCertificates = 100'000;

// Reads the certificate findings for `name` and the names below it whose earliest log
// timestamp (else notBefore) lies in [now - days, now]; only their names in the subtree count.
// kInvalidArgument (quoting it) when `name` (".example.com" allowed) is no DNS name or is a
// wildcard. A name of the subtree never looked up has no set in force and warns of nothing.
[[nodiscard]] absl::StatusOr<CaaAdvice> AdviseCaa(store::Store& store, const std::string& name,
                                                  absl::Duration days, absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_CAA_ADVICE_H_
