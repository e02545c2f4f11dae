// The HTTP listener of /metrics (SPEC §7): cpp-httplib on a thread of its own with two
// workers and at most 16 connections queued for them, answering GET /metrics with what
// `render` returns at that moment, 404 for any other path. Loopback only unless TLS is configured (the rule of the gRPC listener, with its
// wording); with TLS it is HTTPS.
#ifndef CAAWATCH_SERVER_METRICS_ENDPOINT_H_
#define CAAWATCH_SERVER_METRICS_ENDPOINT_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace caawatch::server {

struct MetricsEndpointOptions {
  std::string listen;         // "host:port" or "[v6]:port"; port 0 = the kernel's choice.
  std::string tls_cert_file;  // PEM; both or neither.
  std::string tls_key_file;
};

class MetricsEndpoint {
 public:
  // What is wrong with `options`, without binding anything (a command refuses at once):
  // kInvalidArgument for an address that is not host:port, a non-loopback address without
  // TLS, a TLS certificate without its key (or the reverse).
  [[nodiscard]] static absl::Status Check(const MetricsEndpointOptions& options);
  // Binds and starts serving; `render` is called on a worker thread for each scrape and must
  // be thread-safe. Check's errors; kInvalidArgument for TLS files that do not load; kUnavailable
  // when the address cannot be bound (WhyNotBindable says why).
  [[nodiscard]] static absl::StatusOr<std::unique_ptr<MetricsEndpoint>> Start(
      const MetricsEndpointOptions& options, std::function<std::string()> render);
  // Stops listening and joins the thread; a scrape in progress finishes first.
  ~MetricsEndpoint();

  int port() const { return port_; }
  // `listen` with the bound port.
  const std::string& address() const { return address_; }

 private:
  MetricsEndpoint() = default;

  std::unique_ptr<httplib::Server> http_;
  std::thread thread_;
  std::atomic<bool> ended_{false};  // The accept loop returned.
  int port_ = 0;
  std::string address_;
};

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_METRICS_ENDPOINT_H_
