// How a sink says whether a failed delivery is worth retrying: one rule for every sink, so that
// the delivery loop retries with backoff what may succeed later and stops on what cannot.
#ifndef CAAWATCH_NOTIFY_DELIVERY_STATUS_H_
#define CAAWATCH_NOTIFY_DELIVERY_STATUS_H_

#include "absl/status/status.h"

namespace caawatch::notify {

// Retryable: kUnavailable (receiver down, non-zero exit, 5xx, 408, 429, connection failure)
// and kDeadlineExceeded (timeout). Anything else that is not OK (kFailedPrecondition: a
// non-executable script, a 4xx; kInvalidArgument: a configuration the sink refuses) fails the
// same way every time.
inline bool IsRetryable(const absl::Status& status) {
  return status.code() == absl::StatusCode::kUnavailable ||
         status.code() == absl::StatusCode::kDeadlineExceeded;
}

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_DELIVERY_STATUS_H_
