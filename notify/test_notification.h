// The event `caawatch notify test` sends (SPEC §6): clearly marked as a test (Notification::test,
// "[test]" in subjects and summaries), about a self-signed certificate for
// caawatch-test.invalid, so that a certspotter hook sees every variable it would see for a real
// certificate.
#ifndef CAAWATCH_NOTIFY_TEST_NOTIFICATION_H_
#define CAAWATCH_NOTIFY_TEST_NOTIFICATION_H_

#include "absl/time/time.h"
#include "notify/notification.h"

namespace caawatch::notify {

// A discovered_cert test event made at `now`. Its seq is `now` in milliseconds, so that two
// tests never share an idempotency key ("caawatch-test-SEQ").
Notification TestNotification(absl::Time now);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_TEST_NOTIFICATION_H_
