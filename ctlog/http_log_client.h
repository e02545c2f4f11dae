// LogClient over RFC 6962 §4 HTTP+JSON: get-sth, get-entries, get-sth-consistency.
// Maps HTTP outcomes onto the LogClient codes; verifies nothing (callers check signatures).
#ifndef CAAWATCH_CTLOG_HTTP_LOG_CLIENT_H_
#define CAAWATCH_CTLOG_HTTP_LOG_CLIENT_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/log_client.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

// Errors, beyond the LogClient contract:
//   kUnavailable     transport failure or timeout, HTTP 429 or 5xx; the message carries any
//                    Retry-After and last_retry_after() returns it.
//   kInvalidArgument the log refused the request (HTTP 4xx other than 429), or bad arguments.
//   kDataLoss        malformed JSON or base64, wrong hash sizes, an unexpected status code,
//                    an empty or oversized get-entries batch, a body over the size limit:
//                    20 KiB per entry asked for get-entries, 64 KiB for the other calls
//                    (both within FetchOptions::max_body_bytes).
// Thread-compatible: one per tailing thread, like the fetcher it borrows.
class HttpLogClient final : public LogClient {
 public:
  // `fetcher` is borrowed and must outlive the client. `base_url` is the log's RFC 6962 URL
  // ("https://ct.example/2026/"); a missing trailing '/' is added.
  HttpLogClient(HttpFetcher* fetcher, std::string base_url, FetchOptions options = {});

  [[nodiscard]] absl::StatusOr<SignedTreeHead> GetSth() override;
  [[nodiscard]] absl::StatusOr<std::vector<RawEntry>> GetEntries(uint64_t start_inclusive,
                                                                 uint64_t end_inclusive) override;
  // Through the fetcher's GetAll: all requests in flight at once.
  [[nodiscard]] std::vector<absl::StatusOr<std::vector<RawEntry>>> GetEntriesRanges(
      const std::vector<std::pair<uint64_t, uint64_t>>& ranges) override;
  // first == second returns an empty proof without a request.
  [[nodiscard]] absl::StatusOr<std::vector<Sha256Hash>> GetConsistencyProof(
      uint64_t first, uint64_t second) override;
  [[nodiscard]] absl::StatusOr<InclusionProof> GetProofByHash(const Sha256Hash& leaf_hash,
                                                              uint64_t tree_size) override;

  // The Retry-After of the most recent response, if it carried one (reset on every call).
  std::optional<absl::Duration> last_retry_after() const { return last_retry_after_; }
  const std::string& base_url() const { return base_url_; }

 private:
  // GETs base_url_ + path and returns the body of a 200 response, else the mapped error.
  absl::StatusOr<std::string> Fetch(const std::string& path);
  // The entries of the answer to the get-entries request `url` for [start, end].
  absl::StatusOr<std::vector<RawEntry>> Entries(uint64_t start_inclusive, uint64_t end_inclusive,
                                                const std::string& url,
                                                absl::StatusOr<HttpResponse> response);

  HttpFetcher* fetcher_;
  std::string base_url_;
  FetchOptions options_;
  std::optional<absl::Duration> last_retry_after_;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_HTTP_LOG_CLIENT_H_
