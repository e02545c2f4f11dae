#include "server/metrics_endpoint.h"

#include <httplib.h>

#include <chrono>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "server/grpc_server.h"
#include "server/listen_address.h"

namespace caawatch::server {
namespace {

// Scrapes are small and rare (one every few seconds per Prometheus): two workers, and a
// client that sends nothing is dropped after five seconds.
constexpr size_t kWorkers = 2;
constexpr time_t kReadTimeoutSeconds = 5;
constexpr absl::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

// Host (without brackets) and port of "host:port" or "[v6]:port".
absl::Status SplitListen(const std::string& listen, std::string* host, int* port) {
  const size_t colon = listen.rfind(':');
  if (absl::StartsWith(listen, "unix:") || colon == std::string::npos ||
      !absl::SimpleAtoi(listen.substr(colon + 1), port) || *port < 0 || *port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("metrics_listen ", QuoteInput(listen), ": want HOST:PORT or [IPv6]:PORT"));
  }
  *host = listen.substr(0, colon);
  if (absl::StartsWith(*host, "[") && absl::EndsWith(*host, "]")) {
    *host = host->substr(1, host->size() - 2);
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status MetricsEndpoint::Check(const MetricsEndpointOptions& options) {
  std::string host;
  int port = 0;
  CAAWATCH_RETURN_IF_ERROR(SplitListen(options.listen, &host, &port));
  const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (!tls && !IsLoopbackListenAddress(options.listen)) {
    return absl::InvalidArgumentError(
        absl::StrCat("refusing to listen on ", options.listen,
                     " without TLS: a non-loopback address needs a TLS certificate and key"));
  }
  if (tls && (options.tls_cert_file.empty() || options.tls_key_file.empty())) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key file");
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<MetricsEndpoint>> MetricsEndpoint::Start(
    const MetricsEndpointOptions& options, std::function<std::string()> render) {
  CAAWATCH_RETURN_IF_ERROR(Check(options));
  const std::string& listen = options.listen;
  std::string host;
  int port = 0;
  CAAWATCH_RETURN_IF_ERROR(SplitListen(listen, &host, &port));
  const bool tls = !options.tls_cert_file.empty();
  auto endpoint = absl::WrapUnique(new MetricsEndpoint());
  if (tls) {
    auto https = std::make_unique<httplib::SSLServer>(options.tls_cert_file.c_str(),
                                                      options.tls_key_file.c_str());
    if (!https->is_valid()) {
      return absl::InvalidArgumentError(absl::StrCat("metrics TLS: cannot load the certificate ",
                                                     QuoteInput(options.tls_cert_file), " and key ",
                                                     QuoteInput(options.tls_key_file)));
    }
    endpoint->http_ = std::move(https);
  } else {
    endpoint->http_ = std::make_unique<httplib::Server>();
  }
  httplib::Server& http = *endpoint->http_;
  http.new_task_queue = [] { return new httplib::ThreadPool(kWorkers); };
  http.set_read_timeout(kReadTimeoutSeconds, 0);
  http.set_payload_max_length(0);  // A scrape is a GET: no body is read.
  http.Get("/metrics",
           [render = std::move(render)](const httplib::Request&, httplib::Response& response) {
             response.set_content(render(), std::string(kContentType).c_str());
           });
  const bool bound =
      port == 0 ? (port = http.bind_to_any_port(host)) > 0 : http.bind_to_port(host, port);
  if (!bound) {
    const std::string why = WhyNotBindable(listen);
    return absl::UnavailableError(
        absl::StrCat("metrics: cannot listen on ", listen, why.empty() ? "" : ": ", why));
  }
  endpoint->port_ = port;
  endpoint->address_ = BoundAddress(listen, port);
  MetricsEndpoint* e = endpoint.get();
  e->thread_ = std::thread([e] {
    e->http_->listen_after_bind();
    e->ended_ = true;
  });
  // stop() is a no-op until the accept loop runs: the destructor must not come before it.
  while (!http.is_running() && !e->ended_) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return endpoint;
}

MetricsEndpoint::~MetricsEndpoint() {
  if (http_ != nullptr) http_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace caawatch::server
