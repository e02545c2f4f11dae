#include "monitor/evidence_bundles.h"

#include <utility>
#include <vector>

#include "base/status_macros.h"
#include "ctlog/log_types.h"
#include "tail/log_list_source.h"

namespace caawatch::monitor {

absl::StatusOr<evidence::BundleVerification> VerifyEvidenceBundle(absl::string_view dir,
                                                                  const std::string& log_list) {
  if (tail::LogListSource::IsUrl(log_list)) {
    return absl::InvalidArgumentError(
        "the verifier makes no network request: give the log list as a file (--log-list FILE)");
  }
  tail::LogListSource source(log_list, /*fetcher=*/nullptr);
  CAAWATCH_ASSIGN_OR_RETURN(const std::vector<ctlog::LogInfo> logs, source.Load());
  evidence::TrustedLogKeys trusted;
  for (const ctlog::LogInfo& log : logs) {
    trusted[std::string(log.log_id.begin(), log.log_id.end())] =
        evidence::TrustedLog{log.key_der, log.description};
  }
  return evidence::VerifyBundle(dir, trusted);
}

}  // namespace caawatch::monitor
