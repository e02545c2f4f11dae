// The gRPC CheckCaa call over judge::CaaChecker: request fields in, the API's evaluation out.
#ifndef CAAWATCH_SERVER_CAA_CHECK_SERVICE_H_
#define CAAWATCH_SERVER_CAA_CHECK_SERVICE_H_

#include <functional>

#include "absl/status/statusor.h"
#include "caawatch/v1/monitor.pb.h"
#include "judge/caa_check.h"
#include "server/service.h"

namespace caawatch::server {

class CaaCheckService final : public CaaCheckBackend {
 public:
  // `checker` is borrowed and must outlive this object.
  explicit CaaCheckService(judge::CaaChecker* checker) : checker_(checker) {}

  // kInvalidArgument for an unparseable `at`; kDeadlineExceeded when `out_of_time` says so
  // before a name; otherwise the checker's errors.
  [[nodiscard]] absl::StatusOr<caawatch::v1::CheckCaaResponse> Check(
      const caawatch::v1::CheckCaaRequest& request,
      const std::function<bool()>& out_of_time) override;

 private:
  judge::CaaChecker* const checker_;
};

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_CAA_CHECK_SERVICE_H_
