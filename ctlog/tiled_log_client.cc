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
  return BodyOf(url, fetcher_->Get(url, fetch));
}

absl::StatusOr<std::string> TiledLogClient::BodyOf(const std::string& url,
                                                   absl::StatusOr<HttpResponse> response) {
  if (!response.ok()) return response.status();
  last_retry_after_ = response->retry_after;
  // 404 has a meaning here (tlog-tiles: partial tiles may disappear), unlike in RFC 6962.
  if (response->status == 404) return absl::NotFoundError(absl::StrCat("GET ", url, ": HTTP 404"));
  return BodyOfOkResponse(url, *std::move(response));
}

absl::StatusOr<std::string> TiledLogClient::GetCheckpoint() {
  return Fetch("checkpoint", kMaxCheckpointBytes);
}

absl::StatusOr<DataTile> TiledLogClient::DataTileOf(uint64_t index, uint64_t width,
                                                    absl::StatusOr<std::string> body) {
  if (!body.ok()) return body.status();
  absl::StatusOr<DataTile> tile = DataTile::Parse(*std::move(body), width);
  if (!tile.ok()) return Annotate(tile.status(), prefix_ + DataTilePath(index, width));
  return tile;
}

absl::StatusOr<DataTile> TiledLogClient::GetDataTile(uint64_t index, uint64_t width) {
  return DataTileOf(index, width, Fetch(DataTilePath(index, width), options_.max_data_tile_bytes));
}

std::vector<absl::StatusOr<DataTile>> TiledLogClient::GetDataTiles(
    const std::vector<std::pair<uint64_t, uint64_t>>& tiles) {
  last_retry_after_.reset();
  std::vector<std::string> urls;
  for (const auto& [index, width] : tiles) urls.push_back(prefix_ + DataTilePath(index, width));
  FetchOptions fetch;
  fetch.timeout = options_.timeout;
  fetch.max_body_bytes = options_.max_data_tile_bytes;
  std::vector<absl::StatusOr<HttpResponse>> responses = fetcher_->GetAll(urls, fetch);
  std::vector<absl::StatusOr<DataTile>> out;
  out.reserve(tiles.size());
  for (size_t i = 0; i < tiles.size(); ++i) {
    out.push_back(
        DataTileOf(tiles[i].first, tiles[i].second, BodyOf(urls[i], std::move(responses[i]))));
  }
  return out;
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
  std::shared_ptr<const std::vector<uint8_t>> der;
  if (options_.issuer_store != nullptr) {
    std::optional<std::vector<uint8_t>> kept = options_.issuer_store->Find(fingerprint);
    if (kept && Sha256(*kept) == fingerprint) {
      der = std::make_shared<const std::vector<uint8_t>>(*std::move(kept));
    }
  }
  if (der == nullptr) {
    const std::string hex = HexEncode(fingerprint);
    CAAWATCH_ASSIGN_OR_RETURN(const std::string body,
                              Fetch(absl::StrCat("issuer/", hex), options_.max_issuer_bytes));
    if (Sha256(body) != fingerprint) {
      return absl::DataLossError(
          absl::StrCat("GET ", prefix_, "issuer/", hex, ": the certificate has another SHA-256"));
    }
    der = std::make_shared<const std::vector<uint8_t>>(body.begin(), body.end());
    if (options_.issuer_store != nullptr) options_.issuer_store->Keep(fingerprint, *der);
  }
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
