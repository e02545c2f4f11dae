#include "ctlog/witness_client.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/http_status.h"
#include "ctlog/sha256.h"

namespace caawatch::ctlog {

std::string WitnessCheckpointUrl(absl::string_view monitoring_prefix, absl::string_view origin) {
  const Sha256Hash hash = Sha256(origin);
  return absl::StrCat(monitoring_prefix,
                      absl::BytesToHexString(absl::string_view(
                          reinterpret_cast<const char*>(hash.data()), hash.size())),
                      "/checkpoint");
}

absl::StatusOr<std::string> WitnessClient::LatestCheckpoint(absl::string_view monitoring_prefix,
                                                            absl::string_view origin) {
  const std::string url = WitnessCheckpointUrl(monitoring_prefix, origin);
  FetchOptions options;
  options.timeout = kTimeout;
  options.max_body_bytes = kMaxCheckpointBytes;
  const auto cached = cache_.find(url);
  if (cached != cache_.end()) options.if_none_match = cached->second.etag;
  CAAWATCH_ASSIGN_OR_RETURN(HttpResponse response, fetcher_->Get(url, options));
  if (response.status == 304 && cached != cache_.end()) return cached->second.note;
  if (response.status == 404) {
    return absl::NotFoundError(
        absl::StrCat(url, ": 404, the witness serves no checkpoint of ", "this log"));
  }
  std::string etag = response.etag;
  CAAWATCH_ASSIGN_OR_RETURN(std::string note, BodyOfOkResponse(url, std::move(response)));
  if (!etag.empty()) {
    if (cache_.size() >= kMaxCached) cache_.clear();
    cache_[url] = {std::move(etag), note};
  }
  return note;
}

}  // namespace caawatch::ctlog
