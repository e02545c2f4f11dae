#include "revoke/crl_cache.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/time_text.h"

namespace caawatch::revoke {

CrlCache::CrlCache(ctlog::HttpFetcher* fetcher, CrlCacheOptions options)
    : fetcher_(fetcher), options_(options) {}

CrlCache::Entry& CrlCache::Touch(const std::string& url) {
  auto it = entries_.find(url);
  if (it != entries_.end()) {
    lru_.splice(lru_.begin(), lru_, it->second.lru);
    return it->second;
  }
  while (!lru_.empty() && entries_.size() >= std::max<size_t>(options_.max_crls, 1)) {
    entries_.erase(lru_.back());
    lru_.pop_back();
  }
  lru_.push_front(url);
  Entry& entry = entries_[url];
  entry.lru = lru_.begin();
  return entry;
}

absl::Status CrlCache::Fail(Entry& entry, absl::Status error, absl::Time now) {
  ++entry.failures;
  absl::Duration backoff = options_.first_backoff;
  for (int i = 1; i < entry.failures && backoff < options_.max_backoff; ++i) backoff *= 2;
  entry.retry_at = now + std::min(backoff, options_.max_backoff);
  entry.last_error = error;
  return error;
}

absl::StatusOr<std::shared_ptr<const std::string>> CrlCache::Fetch(const std::string& url,
                                                                   absl::Time now) {
  Entry& entry = Touch(url);
  if (now < entry.retry_at) {
    return absl::UnavailableError(absl::StrCat("backing off until ",
                                               FormatRfc3339Millis(entry.retry_at), ": ",
                                               entry.last_error.message()));
  }
  ctlog::FetchOptions fetch;
  fetch.timeout = options_.timeout;
  fetch.max_body_bytes = options_.max_crl_bytes;
  if (entry.body != nullptr) {  // Conditional only when there is a copy to fall back on.
    fetch.if_none_match = entry.etag;
    fetch.if_modified_since = entry.last_modified;
  }
  ++requests_;
  absl::StatusOr<ctlog::HttpResponse> response = fetcher_->Get(url, fetch);
  if (!response.ok()) {
    return Fail(entry,
                absl::Status(response.status().code(), absl::StrCat("CRL ", QuoteInput(url), ": ",
                                                                    response.status().message())),
                now);
  }
  if (response->status == 304 && entry.body != nullptr) {
    ++not_modified_;
  } else if (response->status == 200) {
    entry.body = std::make_shared<const std::string>(std::move(response->body));
    entry.etag = std::move(response->etag);
    entry.last_modified = std::move(response->last_modified);
  } else {
    return Fail(
        entry,
        absl::UnavailableError(absl::StrCat("CRL ", QuoteInput(url), ": HTTP ", response->status)),
        now);
  }
  entry.failures = 0;
  entry.retry_at = absl::InfinitePast();
  entry.last_error = absl::OkStatus();
  return entry.body;
}

}  // namespace caawatch::revoke
