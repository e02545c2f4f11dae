// HTTP GET as a dependency: the CT clients fetch through HttpFetcher, production uses libcurl.
// The fetcher moves bytes only; it never interprets status codes (the log client does).
#ifndef CAAWATCH_CTLOG_HTTP_FETCHER_H_
#define CAAWATCH_CTLOG_HTTP_FETCHER_H_

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"

typedef void CURL;  // As <curl/curl.h> declares them; keeps libcurl out of our headers.
typedef void CURLM;

namespace caawatch::ctlog {

struct HttpResponse {
  int status = 0;  // Final status after redirects (e.g. 200, 429, 503).
  std::string body;
  // Retry-After (RFC 9110 §10.2.3) as a delay: delta-seconds, or an HTTP-date measured
  // against the response's own Date header (so no clock is read here).
  std::optional<absl::Duration> retry_after;
  std::string etag;           // Empty when absent.
  std::string last_modified;  // The Last-Modified header as sent; empty when absent.
};

struct FetchOptions {
  absl::Duration timeout = absl::Seconds(30);  // Whole transfer, connect included.
  size_t max_body_bytes = size_t{64} << 20;    // Larger bodies fail with kDataLoss.
  std::string if_none_match;                   // Sent as If-None-Match when non-empty.
  std::string if_modified_since;               // Sent as If-Modified-Since when non-empty.
};

class HttpFetcher {
 public:
  virtual ~HttpFetcher() = default;
  // GETs `url`. Any HTTP status is a successful fetch. Errors: kUnavailable for transport
  // failures and timeouts (retry later), kDataLoss "response too large" when the body exceeds
  // options.max_body_bytes, kInvalidArgument for a URL the transport refuses and for a
  // redirect from https to anything but https.
  [[nodiscard]] virtual absl::StatusOr<HttpResponse> Get(const std::string& url,
                                                         const FetchOptions& options) = 0;
  // GETs every url, concurrently where the fetcher can (several requests in flight to one
  // log), and returns each outcome as Get would, in the order of `urls`. This default asks one
  // after the other.
  [[nodiscard]] virtual std::vector<absl::StatusOr<HttpResponse>> GetAll(
      const std::vector<std::string>& urls, const FetchOptions& options);
  // Once `stop` (borrowed; null = never) is notified, requests in flight end within about a
  // second with kUnavailable "stopping" instead of waiting for their answer or timeout. Set it
  // before requests start, from the thread that made them or before that thread started.
  virtual void SetStop(const absl::Notification* stop) { (void)stop; }
};

// libcurl's process-wide state. curl_global_init is not thread-safe: construct exactly one
// CurlGlobal in main() before any thread starts and before any CurlHttpFetcher exists, and
// keep it alive until every fetcher is gone. Not copyable or movable.
class CurlGlobal {
 public:
  CurlGlobal();
  ~CurlGlobal();
  CurlGlobal(const CurlGlobal&) = delete;
  CurlGlobal& operator=(const CurlGlobal&) = delete;
};

// One libcurl easy handle, reused across calls for keep-alive (and HTTP/2 over TLS when the
// server offers it). Follows at most 3 redirects, http and https only, and from an https URL
// https only: a downgrade would let anyone on the path answer. Bodies are counted decoded
// (after Content-Encoding), so max_body_bytes also caps a compressed response's expansion.
// Thread-compatible: one fetcher per thread.
class CurlHttpFetcher final : public HttpFetcher {
 public:
  // `ca_file`: PEM roots that verify https servers instead of the system's store (a private
  // log's CA); empty = the system's store. kInternal if libcurl cannot allocate a handle.
  static absl::StatusOr<std::unique_ptr<CurlHttpFetcher>> Create(std::string ca_file = "");
  ~CurlHttpFetcher() override;
  CurlHttpFetcher(const CurlHttpFetcher&) = delete;
  CurlHttpFetcher& operator=(const CurlHttpFetcher&) = delete;

  [[nodiscard]] absl::StatusOr<HttpResponse> Get(const std::string& url,
                                                 const FetchOptions& options) override;
  // All at once through the curl multi interface: HTTP/2 streams on one connection when the
  // server offers it, else parallel keep-alive connections, reused across calls.
  [[nodiscard]] std::vector<absl::StatusOr<HttpResponse>> GetAll(
      const std::vector<std::string>& urls, const FetchOptions& options) override;
  void SetStop(const absl::Notification* stop) override { stop_ = stop; }

 private:
  struct EasyCleanup {
    void operator()(CURL* handle) const;  // curl_easy_cleanup.
  };
  struct MultiCleanup {
    void operator()(CURLM* handle) const;  // curl_multi_cleanup.
  };
  using UniqueEasy = std::unique_ptr<CURL, EasyCleanup>;
  CurlHttpFetcher(UniqueEasy handle, std::string ca_file)
      : handle_(std::move(handle)), ca_file_(std::move(ca_file)) {}
  UniqueEasy handle_;
  const std::string ca_file_;
  std::unique_ptr<CURLM, MultiCleanup> multi_;  // Created by the first GetAll.
  std::vector<UniqueEasy> multi_handles_;       // One per request in flight, kept for reuse.
  const absl::Notification* stop_ = nullptr;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_HTTP_FETCHER_H_
