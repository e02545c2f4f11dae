// The read side of a witness (c2sp.org/tlog-witness, monitor retrieval as Sunlight's witness
// serves it): its latest cosigned checkpoint of a log, at
// <monitoring prefix><lowercase hex SHA-256(origin)>/checkpoint. Polite by construction: each
// answer is cached and asked again conditionally (If-None-Match), one request per call, with a
// short timeout and a body no larger than a checkpoint. Verifies nothing: the caller checks the
// log's signature and the witness's cosignature. Thread-compatible, like the fetcher it borrows.
#ifndef CAAWATCH_CTLOG_WITNESS_CLIENT_H_
#define CAAWATCH_CTLOG_WITNESS_CLIENT_H_

#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "ctlog/http_fetcher.h"

namespace caawatch::ctlog {

// "<monitoring prefix><hex SHA-256(origin)>/checkpoint"; the prefix ends in '/'.
std::string WitnessCheckpointUrl(absl::string_view monitoring_prefix, absl::string_view origin);

class WitnessClient {
 public:
  static constexpr absl::Duration kTimeout = absl::Seconds(10);
  // At most this many answers are cached (witnesses times logs); beyond, the cache is cleared.
  static constexpr size_t kMaxCached = 4096;

  // `fetcher` is borrowed and must outlive the client.
  explicit WitnessClient(HttpFetcher* fetcher) : fetcher_(fetcher) {}

  // The checkpoint note the witness serves for `origin` (a 304 returns the cached one). Errors:
  // kNotFound (404: the witness does not serve this log), kUnavailable (transport, timeout,
  // 429, 5xx), kInvalidArgument (another 4xx), kDataLoss (a body over kMaxCheckpointBytes, or
  // another status).
  [[nodiscard]] absl::StatusOr<std::string> LatestCheckpoint(absl::string_view monitoring_prefix,
                                                             absl::string_view origin);

 private:
  struct Cached {
    std::string etag;
    std::string note;
  };
  HttpFetcher* fetcher_;
  std::map<std::string, Cached> cache_;  // By URL.
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_WITNESS_CLIENT_H_
