#include "server/revocation_status_proto.h"

#include <cstdint>
#include <string>

#include "absl/time/time.h"
#include "base/time_text.h"

namespace caawatch::server {

void FillRevocationStatus(const store::RevocationFollowerRecord& record,
                          v1::GetStatusResponse* out) {
  if (record.round_ms() == 0) return;
  const auto time = [](int64_t ms) {
    return ms == 0 ? std::string() : FormatRfc3339Millis(absl::FromUnixMillis(ms));
  };
  v1::RevocationFollowerStatus* status = out->mutable_revocation();
  status->set_round_at(time(record.round_ms()));
  status->set_followed(record.followed());
  status->set_revoked_seen(record.revoked_seen());
  status->set_crls_fetched(record.crls_fetched());
  status->set_crls_refused(record.crls_refused());
  status->set_last_error(record.last_error());
  status->set_last_error_url(record.last_error_url());
  status->set_last_error_at(time(record.last_error_ms()));
}

}  // namespace caawatch::server
