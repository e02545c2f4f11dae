#include "ctlog/tiled_log_client.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "base/status_macros.h"
#include "ctlog/checkpoint.h"
#include "ctlog/http_status.h"

namespace caawatch::ctlog {
namespace {

absl::Span<const uint8_t> AsBytes(const std::string& s) {
  return absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

TiledLogClient::TiledLogClient(HttpFetcher* fetcher, std::string monitoring_prefix,
                               TiledLogClientOptions options)
    : fetcher_(fetcher), prefix_(std::move(monitoring_prefix)), options_(options) {
  if (prefix_.empty() || prefix_.back() != '/') prefix_.push_back('/');
}

absl::StatusOr<std::string> TiledLogClient::Fetch(const std::string& path, size_t max_body_bytes) {
  last_retry_after_.reset();
  const std::string url = prefix_ + path;
  FetchOptions fetch;
  fetch.timeout = options_.timeout;
  fetch.max_body_bytes = max_body_bytes;
  CAAWATCH_ASSIGN_OR_RETURN(HttpResponse response, fetcher_->Get(url, fetch));
  last_retry_after_ = response.retry_after;
  // 404 has a meaning here (tlog-tiles: partial tiles may disappear), unlike in RFC 6962.
  if (response.status == 404) return absl::NotFoundError(absl::StrCat("GET ", url, ": HTTP 404"));
  return BodyOfOkResponse(url, std::move(response));
}

absl::StatusOr<std::string> TiledLogClient::GetCheckpoint() {
  return Fetch("checkpoint", kMaxCheckpointBytes);
}

absl::StatusOr<std::vector<TileLeaf>> TiledLogClient::GetDataTile(uint64_t index, uint64_t width) {
  const std::string path = DataTilePath(index, width);
  CAAWATCH_ASSIGN_OR_RETURN(const std::string body, Fetch(path, options_.max_data_tile_bytes));
  absl::StatusOr<std::vector<TileLeaf>> leaves = ParseDataTile(AsBytes(body), width);
  if (!leaves.ok()) return Annotate(leaves.status(), prefix_ + path);
  return leaves;
}

absl::StatusOr<std::vector<Sha256Hash>> TiledLogClient::GetHashTile(int level, uint64_t index,
                                                                    uint64_t width) {
  const std::string path = HashTilePath(level, index, width);
  CAAWATCH_ASSIGN_OR_RETURN(const std::string body, Fetch(path, kTileWidth * 32));
  absl::StatusOr<std::vector<Sha256Hash>> hashes = ParseHashTile(AsBytes(body), width);
  if (!hashes.ok()) return Annotate(hashes.status(), prefix_ + path);
  return hashes;
}

absl::StatusOr<std::shared_ptr<const std::vector<uint8_t>>> TiledLogClient::GetIssuer(
    const Sha256Hash& fingerprint) {
  if (auto it = issuers_.find(fingerprint); it != issuers_.end()) return it->second;
  const std::string hex = HexEncode(fingerprint);
  CAAWATCH_ASSIGN_OR_RETURN(const std::string body,
                            Fetch(absl::StrCat("issuer/", hex), options_.max_issuer_bytes));
  if (Sha256(body) != fingerprint) {
    return absl::DataLossError(
        absl::StrCat("GET ", prefix_, "issuer/", hex, ": the certificate has another SHA-256"));
  }
  auto der = std::make_shared<const std::vector<uint8_t>>(body.begin(), body.end());
  if (options_.issuer_cache_entries == 0) return der;
  if (issuers_.size() >= options_.issuer_cache_entries) {
    issuers_.erase(issuer_order_.front());
    issuer_order_.pop_front();
  }
  issuers_.emplace(fingerprint, der);
  issuer_order_.push_back(fingerprint);
  return der;
}

}  // namespace caawatch::ctlog
