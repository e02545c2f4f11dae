// Read side of a static-ct-api log (c2sp.org/static-ct-api "Monitoring APIs") over HttpFetcher:
// the checkpoint, data and hash tiles, and issuer certificates (cached, checked against their
// fingerprint). Verifies no signature and no tree: the tiled tailer does.
#ifndef CAAWATCH_CTLOG_TILED_LOG_CLIENT_H_
#define CAAWATCH_CTLOG_TILED_LOG_CLIENT_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "ctlog/http_fetcher.h"
#include "ctlog/sha256.h"
#include "ctlog/tile.h"

namespace caawatch::ctlog {

// Where issuer certificates fetched from tiled logs are kept across restarts (the monitor's
// store), so that each is fetched once. Called from the tailing thread; must be thread-safe if
// shared between logs. A failure to keep or find one only costs a request.
class IssuerCertificateCache {
 public:
  virtual ~IssuerCertificateCache() = default;
  // The DER whose SHA-256 is `fingerprint`, if kept.
  virtual std::optional<std::vector<uint8_t>> Find(const Sha256Hash& fingerprint) = 0;
  virtual void Keep(const Sha256Hash& fingerprint, const std::vector<uint8_t>& der) = 0;
};

struct TiledLogClientOptions {
  absl::Duration timeout = absl::Seconds(30);  // Per request.
  // A data tile holds at most 256 entries, each a certificate or precertificate and its
  // chain's fingerprints (a few KB, never the chain itself): 8 MiB (decoded) is 32 KiB each.
  size_t max_data_tile_bytes = size_t{8} << 20;
  size_t max_issuer_bytes = size_t{256} << 10;
  size_t issuer_cache_entries = 1024;  // Oldest evicted first; a log has few issuers.
  // Borrowed, may be null: consulted before fetching an issuer, told of each one fetched.
  IssuerCertificateCache* issuer_store = nullptr;
};

// Errors of every method:
//   kUnavailable     transport failure or timeout, HTTP 429 or 5xx (message carries any
//                    Retry-After; last_retry_after() returns it).
//   kNotFound        HTTP 404: not (or no longer) served, e.g. a partial tile once the full
//                    tile exists.
//   kInvalidArgument any other 4xx.
//   kDataLoss        a body over its size limit or malformed for its kind, an unexpected status.
// Thread-compatible: one per tailing thread, like the fetcher it borrows.
class TiledLogClient {
 public:
  // `fetcher` is borrowed and must outlive the client. `monitoring_prefix` is the log's
  // monitoring URL ("https://mon.example/2026h1/"); a missing trailing '/' is added.
  TiledLogClient(HttpFetcher* fetcher, std::string monitoring_prefix,
                 TiledLogClientOptions options = {});

  // <prefix>checkpoint, unparsed (at most kMaxCheckpointBytes).
  [[nodiscard]] absl::StatusOr<std::string> GetCheckpoint();
  // <prefix>tile/data/<N>[.p/<width>]: exactly `width` leaves (1..256; 256 is the full tile).
  [[nodiscard]] absl::StatusOr<DataTile> GetDataTile(uint64_t index, uint64_t width);
  // GetDataTile for each (index, width), all requests in flight at once (HttpFetcher::GetAll);
  // outcomes in the order asked.
  [[nodiscard]] std::vector<absl::StatusOr<DataTile>> GetDataTiles(
      const std::vector<std::pair<uint64_t, uint64_t>>& tiles);
  // <prefix>tile/<level>/<N>[.p/<width>]: exactly `width` hashes.
  [[nodiscard]] absl::StatusOr<std::vector<Sha256Hash>> GetHashTile(int level, uint64_t index,
                                                                    uint64_t width);
  // <prefix>issuer/<lowercase hex fingerprint>, from memory or options.issuer_store when
  // fetched before (a kept certificate is checked against its fingerprint too).
  // kDataLoss when the body's SHA-256 is not `fingerprint`.
  [[nodiscard]] absl::StatusOr<std::shared_ptr<const std::vector<uint8_t>>> GetIssuer(
      const Sha256Hash& fingerprint);

  // The Retry-After of the most recent response, if it carried one (reset on every request).
  std::optional<absl::Duration> last_retry_after() const { return last_retry_after_; }
  const std::string& monitoring_prefix() const { return prefix_; }

 private:
  // GETs prefix_ + path with a body limit; the body of a 200, else the mapped error.
  absl::StatusOr<std::string> Fetch(const std::string& path, size_t max_body_bytes);
  // The body of `response` to GET `url` if it is a 200, else the mapped error.
  absl::StatusOr<std::string> BodyOf(const std::string& url, absl::StatusOr<HttpResponse> response);
  absl::StatusOr<DataTile> DataTileOf(uint64_t index, uint64_t width,
                                      absl::StatusOr<std::string> body);

  HttpFetcher* fetcher_;
  std::string prefix_;
  TiledLogClientOptions options_;
  std::optional<absl::Duration> last_retry_after_;
  std::map<Sha256Hash, std::shared_ptr<const std::vector<uint8_t>>> issuers_;
  std::deque<Sha256Hash> issuer_order_;  // Insertion order, for eviction.
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TILED_LOG_CLIENT_H_
