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
#include "caa/resolver.h"
#include "judge/caa_suggestion.h"
#include "judge/zone_history.h"
#include "monitor/config.h"
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
  // Names of the search paths that were never observed and were looked up now (AdviceSources'
  // resolver), so that a warning does not miss them; in the order looked up.
  std::vector<std::string> looked_up_now;
};

// Where the records in force come from besides the stored lookups. Borrowed; may be null.
struct AdviceSources {
  // Names in a followed zone are in force by the zone's records (judge/latest_answers.h).
  const judge::ZoneHistory* zones = nullptr;
  // A name never observed is looked up now; null: it stays unknown (no set, no warning).
  caa::CaaResolver* resolver = nullptr;
};

// At most this many certificates are read; more are left out (the newest are kept).
inline constexpr size_t kMaxAdviceCertificates = 100'000;

// Reads the certificate findings for `name` and the names below it whose earliest log
// timestamp (else notBefore) lies in [now - days, now]; only their names in the subtree count.
// kInvalidArgument (quoting it) when `name` (".example.com" allowed) is no DNS name or is a
// wildcard. A name of the subtree never observed is looked up with `sources.resolver` (and
// listed in looked_up_now); without one it has no set in force and warns of nothing.
[[nodiscard]] absl::StatusOr<CaaAdvice> AdviseCaa(store::Store& store, const std::string& name,
                                                  absl::Duration days, absl::Time now,
                                                  AdviceSources sources = {});

// AdviseCaa with the sources `config` gives: its followed zones, and its resolver (the dns_*
// keys). kInvalidArgument for a resolver setting that cannot be used.
[[nodiscard]] absl::StatusOr<CaaAdvice> AdviseCaa(const MonitorConfig& config, store::Store& store,
                                                  const std::string& name, absl::Duration days,
                                                  absl::Time now);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_CAA_ADVICE_H_
