// CRLs fetched politely and kept: each URL is asked conditionally (If-None-Match with the
// ETag, If-Modified-Since with the Last-Modified it last sent), a failing URL is left alone
// for a doubling backoff, every body is bounded, and only a few CRLs are kept in memory.
#ifndef CAAWATCH_REVOKE_CRL_CACHE_H_
#define CAAWATCH_REVOKE_CRL_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctlog/http_fetcher.h"

namespace caawatch::revoke {

struct CrlCacheOptions {
  absl::Duration timeout = absl::Seconds(30);       // One fetch, connect included.
  size_t max_crl_bytes = size_t{32} << 20;          // A larger CRL is refused (kDataLoss).
  size_t max_crls = 64;                             // URLs remembered; the least recently used go.
  absl::Duration first_backoff = absl::Minutes(1);  // After a failure; doubles per failure,
  absl::Duration max_backoff = absl::Hours(6);      // up to this.
};

// Not thread-safe: one cache per following loop.
class CrlCache {
 public:
  // `fetcher` is borrowed and must outlive the cache.
  CrlCache(ctlog::HttpFetcher* fetcher, CrlCacheOptions options);

  // The body of the CRL at `url` at time `now`: fetched again (conditionally) each call,
  // the kept copy when the server says 304. Errors: kUnavailable "backing off" with the last
  // error while a failed URL waits out its backoff (no request is sent); the fetcher's error,
  // or kUnavailable naming the HTTP status, for a failed fetch (which starts or doubles the
  // backoff). The returned body stays valid until the next call.
  absl::StatusOr<std::shared_ptr<const std::string>> Fetch(const std::string& url, absl::Time now);

  // Counts for tests and status: requests sent, answers 304.
  uint64_t requests() const { return requests_; }
  uint64_t not_modified() const { return not_modified_; }

 private:
  struct Entry {
    std::shared_ptr<const std::string> body;  // Null until a 200.
    std::string etag;
    std::string last_modified;
    int failures = 0;
    absl::Time retry_at = absl::InfinitePast();
    absl::Status last_error;
    std::list<std::string>::iterator lru;
  };
  Entry& Touch(const std::string& url);
  absl::Status Fail(Entry& entry, absl::Status error, absl::Time now);

  ctlog::HttpFetcher* const fetcher_;
  const CrlCacheOptions options_;
  absl::flat_hash_map<std::string, Entry> entries_;
  std::list<std::string> lru_;  // Most recently used first.
  uint64_t requests_ = 0;
  uint64_t not_modified_ = 0;
};

}  // namespace caawatch::revoke

#endif  // CAAWATCH_REVOKE_CRL_CACHE_H_
