// The revocation follower's round summary (store/revocations.h) as the API's
// RevocationFollowerStatus, for GetStatus.
#ifndef CAAWATCH_SERVER_REVOCATION_STATUS_PROTO_H_
#define CAAWATCH_SERVER_REVOCATION_STATUS_PROTO_H_

#include "caawatch/v1/monitor.pb.h"
#include "store/revocation.pb.h"

namespace caawatch::server {

// Leaves `out` untouched when no round was recorded yet.
void FillRevocationStatus(const store::RevocationFollowerRecord& record,
                          v1::GetStatusResponse* out);

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_REVOCATION_STATUS_PROTO_H_
