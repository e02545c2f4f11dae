// The client side of Subscribe for `caawatch subscribe`: streams alerts to a callback and, when
// the stream breaks, reconnects with exponential backoff resuming after the last delivered seq,
// so a caller sees every alert once and in seq order.
#ifndef CAAWATCH_CLI_ALERT_SUBSCRIBER_H_
#define CAAWATCH_CLI_ALERT_SUBSCRIBER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "grpcpp/client_context.h"

namespace caawatch::cli {

struct AlertSubscriberOptions {
  std::string target = "127.0.0.1:7443";
  // TLS when non-empty: PEM roots to verify the server with. Empty = plaintext, which is
  // allowed only for a loopback target.
  std::string tls_root_certs_pem;
  std::string tls_server_name;     // Overrides the name checked in the server certificate.
  std::string bearer_token;        // Sent as "authorization: Bearer T"; needs TLS.
  std::vector<std::string> names;  // SubscribeRequest filters.
  std::vector<caawatch::v1::Verdict> verdicts;
  absl::Duration initial_backoff = absl::Milliseconds(250);
  absl::Duration max_backoff = absl::Seconds(30);
  // Told, one line each, when a stream is being opened and when one ended and is retried
  // (`caawatch subscribe` prints them on stderr, so a user sees it is not yet, or no longer,
  // connected). Called on Run's thread; null = not told.
  std::function<void(const std::string&)> on_progress;
};

class AlertSubscriber {
 public:
  // kInvalidArgument: plaintext to a non-loopback target, or a token without TLS.
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<AlertSubscriber>> Create(
      AlertSubscriberOptions options);
  AlertSubscriber(const AlertSubscriber&) = delete;
  AlertSubscriber& operator=(const AlertSubscriber&) = delete;

  // Blocks, handing each alert with seq > after_seq to `on_alert` (on the calling thread, in
  // seq order, each once), until Stop(). Returns OK after Stop(); the stream's status when the
  // server answers something retrying cannot fix (INVALID_ARGUMENT, UNAUTHENTICATED,
  // PERMISSION_DENIED, UNIMPLEMENTED). Everything else is retried with backoff.
  // Call at most once at a time.
  absl::Status Run(uint64_t after_seq,
                   const std::function<void(const caawatch::v1::Alert&)>& on_alert);

  // Thread-safe; makes Run return soon (cancels the stream in progress).
  void Stop();

  // The seq of the last alert handed to on_alert (after_seq before the first).
  uint64_t last_delivered_seq() const;

 private:
  AlertSubscriber(AlertSubscriberOptions options,
                  std::unique_ptr<caawatch::v1::Monitor::Stub> stub);
  // One stream: reads until it ends. Returns its final status.
  grpc::Status StreamOnce(const std::function<void(const caawatch::v1::Alert&)>& on_alert,
                          bool* delivered_any);

  const AlertSubscriberOptions options_;
  std::unique_ptr<caawatch::v1::Monitor::Stub> stub_;
  absl::Notification stop_;
  mutable absl::Mutex mu_;
  grpc::ClientContext* current_ ABSL_GUARDED_BY(mu_) = nullptr;
  uint64_t last_seq_ ABSL_GUARDED_BY(mu_) = 0;
};

}  // namespace caawatch::cli

#endif  // CAAWATCH_CLI_ALERT_SUBSCRIBER_H_
