#include "server/caa_check_service.h"

#include <optional>
#include <string>
#include <vector>

#include "base/hex.h"
#include "base/status_macros.h"
#include "server/finding_convert.h"

namespace caawatch::server {

absl::StatusOr<caawatch::v1::CheckCaaResponse> CaaCheckService::Check(
    const caawatch::v1::CheckCaaRequest& request, const std::function<bool()>& out_of_time) {
  std::optional<absl::Time> at;
  if (!request.at().empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(absl::Time t, ParseRfc3339(request.at()));
    at = t;
  }
  const std::vector<std::string> names(request.names().begin(), request.names().end());
  const std::vector<std::string> issuers(request.issuer_domains().begin(),
                                         request.issuer_domains().end());
  CAAWATCH_ASSIGN_OR_RETURN(judge::CaaCheckResult result,
                            checker_->CheckNames(names, issuers, at, out_of_time));
  caawatch::v1::CheckCaaResponse response;
  response.set_verdict(ToApiVerdict(result.verdict));
  for (const judge::NameCheck& n : result.names) {
    caawatch::v1::CaaEvaluation* e = response.add_names();
    e->set_name(n.name);
    e->set_relevant_name(n.relevant_name);
    for (const caa::CaaRecord& r : n.records) {
      caawatch::v1::CaaRecord* pb = e->add_records();
      pb->set_flags(r.flags);
      pb->set_tag(r.tag);
      pb->set_value(r.value);
    }
    e->set_basis(n.basis);
    e->set_reason(n.reason);
    e->set_verdict(ToApiVerdict(n.verdict));
  }
  return response;
}

}  // namespace caawatch::server
