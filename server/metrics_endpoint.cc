#include "server/metrics_endpoint.h"

#include <httplib.h>

#include <chrono>
#include <deque>
#include <vector>

#include "absl/memory/memory.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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

// httplib's ThreadPool queues every accepted connection; this one holds at most kMaxQueued
// and makes the accept loop wait beyond that, so that a flood of connections waits in the
// kernel's bounded backlog instead of in memory.
class BoundedPool final : public httplib::TaskQueue {
 public:
  static constexpr size_t kMaxQueued = 16;

  explicit BoundedPool(size_t workers) {
    for (size_t i = 0; i < workers; ++i) threads_.emplace_back([this] { Work(); });
  }
  ~BoundedPool() override { shutdown(); }

  void enqueue(std::function<void()> fn) override {
    absl::MutexLock lock(&mu_);
    mu_.Await(absl::Condition(this, &BoundedPool::HasRoom));
    jobs_.push_back(std::move(fn));
  }

  void shutdown() override {
    {
      absl::MutexLock lock(&mu_);
      stopping_ = true;
    }
    for (std::thread& t : threads_) {
      if (t.joinable()) t.join();
    }
  }

 private:
  bool HasRoom() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return jobs_.size() < kMaxQueued || stopping_;
  }
  bool HasWork() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !jobs_.empty() || stopping_; }
  void Work() {
    for (;;) {
      std::function<void()> job;
      {
        absl::MutexLock lock(&mu_);
        mu_.Await(absl::Condition(this, &BoundedPool::HasWork));
        if (jobs_.empty()) return;  // Stopping, and every queued connection served.
        job = std::move(jobs_.front());
        jobs_.pop_front();
      }
      job();
    }
  }

  absl::Mutex mu_;
  std::deque<std::function<void()>> jobs_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

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
  http.new_task_queue = [] { return new BoundedPool(kWorkers); };
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
