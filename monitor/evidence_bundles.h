// The facade through which `caawatch evidence` reaches evidence/: bundles checked against the
// log list the user trusts.
#ifndef CAAWATCH_MONITOR_EVIDENCE_BUNDLES_H_
#define CAAWATCH_MONITOR_EVIDENCE_BUNDLES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "evidence/bundle_verifier.h"

namespace caawatch::monitor {

// `caawatch evidence verify DIR`: the bundle in `dir` checked offline (evidence::VerifyBundle)
// against the keys of every log in `log_list`: "" for the list embedded in this build, else a
// file in the log list v3 format. kInvalidArgument for a URL (the verifier makes no network
// request) or a list that cannot be read; the bundle's failures as VerifyBundle.
[[nodiscard]] absl::StatusOr<evidence::BundleVerification> VerifyEvidenceBundle(
    absl::string_view dir, const std::string& log_list);

}  // namespace caawatch::monitor

#endif  // CAAWATCH_MONITOR_EVIDENCE_BUNDLES_H_
