// On-demand CAA checks (`caawatch caa check`, gRPC CheckCaa): evaluates names for a set of CA
// identifiers, live through the resolver or at a past time against the stored history.
#ifndef CAAWATCH_JUDGE_CAA_CHECK_H_
#define CAAWATCH_JUDGE_CAA_CHECK_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "caa/caa_answer.h"
#include "caa/resolver.h"
#include "judge/zone_history.h"
#include "names/domain_name.h"
#include "store/caa_history.h"
#include "store/verdict.h"

namespace caawatch::judge {

struct NameCheck {
  std::string name;
  store::Verdict verdict = store::Verdict::kDnsIndeterminate;
  std::string relevant_name;  // Where the relevant set was found; empty if none.
  std::vector<caa::CaaRecord> records;
  std::string basis;  // "live", or the history basis ("observed", ...).
  std::string reason;
};

struct CaaCheckResult {
  store::Verdict verdict = store::Verdict::kPermitted;  // The worst of the names' verdicts.
  std::vector<NameCheck> names;
};

// `caa check`'s exit code: 0 permitted or permitted_conditional, 1 forbidden or
// likely_forbidden, 2 anything indeterminate (dns_indeterminate, no_data).
int CheckExitCode(store::Verdict verdict);

class CaaChecker {
 public:
  // Either may be null: no resolver means live checks fail with kFailedPrecondition, no
  // history means checks `at` a time do.
  CaaChecker(caa::CaaResolver* resolver, store::CaaHistory* history)
      : resolver_(resolver), history_(history) {}

  // Names as in a certificate ("*.example.com" is a wildcard), each read as a
  // names::DomainName (kInvalidArgument, quoting it, for one that is none); identifiers in any
  // case. kDeadlineExceeded, saying how far it got, when `out_of_time` (empty = never) says so
  // before a name.
  [[nodiscard]] absl::StatusOr<CaaCheckResult> CheckNames(
      const std::vector<std::string>& names, const std::vector<std::string>& issuers,
      std::optional<absl::Time> at, const std::function<bool()>& out_of_time = {});
  // Checks at a time judge names in followed zones against the zones' records (issue 18), as
  // IssuanceEvaluator::FollowZones. Borrowed.
  void FollowZones(const ZoneHistory* zones) { zone_history_ = zones; }

 private:
  absl::StatusOr<NameCheck> CheckLive(const names::DomainName& name,
                                      const std::vector<std::string>& issuers);
  absl::StatusOr<NameCheck> CheckAt(const names::DomainName& name,
                                    const std::vector<std::string>& issuers, absl::Time at);

  caa::CaaResolver* const resolver_;
  store::CaaHistory* const history_;
  const ZoneHistory* zone_history_ = nullptr;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_CAA_CHECK_H_
