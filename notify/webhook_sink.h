// The webhook sink (`--webhook URL`): an HTTPS POST (plain HTTP only to loopback) of the
// finding JSON (SPEC §4), with an Idempotency-Key stable for one seq and, when a secret is
// configured, an HMAC-SHA256 signature of the body. libcurl; one request at a time.
#ifndef CAAWATCH_NOTIFY_WEBHOOK_SINK_H_
#define CAAWATCH_NOTIFY_WEBHOOK_SINK_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "notify/heartbeat.h"
#include "notify/notification.h"

namespace caawatch::notify {

inline constexpr char kIdempotencyKeyHeader[] = "Idempotency-Key";
// "sha256=" + lowercase hex HMAC-SHA256(secret, body), as GitHub signs its webhooks.
inline constexpr char kSignatureHeader[] = "X-Caawatch-Signature-256";

struct WebhookSinkOptions {
  std::string url = {};
  std::string secret = {};  // Empty: no signature. Never logged nor put in a message.
  absl::Duration timeout = absl::Seconds(30);  // Of the whole request.
  std::string ca_file = {};                    // PEM roots for https; empty: the system's CA store.
  std::string content_type = "application/json";  // Of every body this sink posts.
};

class WebhookSink {
 public:
  // kInvalidArgument for a URL that is not https, or http to a host that is not loopback
  // (127.0.0.0/8, ::1, localhost), or that carries a user name or password.
  static absl::StatusOr<WebhookSink> Create(WebhookSinkOptions options);

  // POSTs n.finding_json with Content-Type application/json, Idempotency-Key (IdempotencyKey),
  // X-Caawatch-Event, X-Caawatch-Seq, the signature when there is a secret, and
  // X-Caawatch-Test: yes for a test event. A 2xx answer is OK. Redirects are not followed.
  // Retryable (delivery_status.h): a connection failure, the timeout (kDeadlineExceeded), 5xx,
  // 408 and 429 (kUnavailable); not retryable: any other status (kFailedPrecondition). The
  // message quotes the first bytes of the answer, escaped, and the URL without its query.
  // A notified `cancel` ends the request within ~1 s (kUnavailable: delivered again later).
  absl::Status Deliver(const Notification& n, const absl::Notification* cancel = nullptr) const;
  // POSTs HeartbeatJson with Idempotency-Key HeartbeatKey and X-Caawatch-Event: heartbeat (and
  // the signature); errors as Deliver.
  absl::Status DeliverHeartbeat(const Heartbeat& heartbeat,
                                const absl::Notification* cancel = nullptr) const;

  // POSTs `body` with `headers` ("Name: value") and the signature when there is a secret;
  // errors as Deliver.
  absl::Status PostBody(const std::string& body, const std::vector<std::string>& headers,
                        const absl::Notification* cancel = nullptr) const {
    return Post(body, headers, /*test=*/false, cancel);
  }

  // The URL as messages show it: scheme, host, port and path (no query: it may hold a token).
  const std::string& display_url() const { return display_url_; }

 private:
  // One POST of `body` with Content-Type, `headers` ("Name: value"), the signature of `body`
  // when there is a secret, and X-Caawatch-Test for a test.
  absl::Status Post(const std::string& body, const std::vector<std::string>& headers, bool test,
                    const absl::Notification* cancel) const;
  WebhookSink(WebhookSinkOptions options, std::string display_url, std::string resolve)
      : options_(std::move(options)),
        display_url_(std::move(display_url)),
        resolve_(std::move(resolve)) {}
  WebhookSinkOptions options_;
  std::string display_url_;
  std::string resolve_;  // "localhost:PORT:127.0.0.1" for http://localhost, so it stays local.
};

// "caawatch-SEQ" ("caawatch-test-SEQ" for a test event): the same for every retry of one seq.
std::string IdempotencyKey(const Notification& n);

// "sha256=" + hex(HMAC-SHA256(secret, body)).
std::string WebhookSignature(const std::string& secret, const std::string& body);

}  // namespace caawatch::notify

#endif  // CAAWATCH_NOTIFY_WEBHOOK_SINK_H_
