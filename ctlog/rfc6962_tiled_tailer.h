// The tailing step for an RFC 6962 log that also serves static-ct-api tiles (SPEC §9): the
// signed tree head is the log's RFC 6962 STH (get-sth), the entries and consistency proofs come
// from its tiles (read as for a static-ct-api log, under LogInfo::tiles_url), which operators
// cache and rate less strictly than get-entries. Verified alike: the STH's signature with the
// log's key, its consistency with the verified head (proof from the hash tiles), and the root
// the entries read from the data tiles hash to against the STH's.
#ifndef CAAWATCH_CTLOG_RFC6962_TILED_TAILER_H_
#define CAAWATCH_CTLOG_RFC6962_TILED_TAILER_H_

#include <memory>

#include "absl/status/statusor.h"
#include "ctlog/http_log_client.h"
#include "ctlog/log_tailer.h"
#include "ctlog/tiled_tailer.h"

namespace caawatch::ctlog {

class Rfc6962TiledTailer final : public LogTailer {
 public:
  // `fetcher` is borrowed and must outlive the tailer. Precondition: log.tiles_url is set.
  // kInvalidArgument for an unusable key or a corrupt `state`.
  static absl::StatusOr<std::unique_ptr<Rfc6962TiledTailer>> Create(
      const LogInfo& log, HttpFetcher* fetcher, FetchOptions sth_fetch, TiledLogClientOptions tiles,
      TailerState state, size_t max_in_flight);

  // get-sth, then Audit(): kDataLoss with evidence for a bad signature or an inconsistent head.
  [[nodiscard]] absl::StatusOr<SignedTreeHead> FetchSth() override;
  [[nodiscard]] absl::Status Audit(const SignedTreeHead& head) override {
    return tiles_.Audit(head);
  }
  [[nodiscard]] absl::StatusOr<Batch> FetchBatch(const SignedTreeHead& sth) override {
    return tiles_.FetchBatch(sth);
  }
  [[nodiscard]] absl::StatusOr<std::vector<Sha256Hash>> ConsistencyProof(uint64_t m,
                                                                         uint64_t n) override {
    return tiles_.ConsistencyProof(m, n);
  }
  const TailerState& state() const override { return tiles_.state(); }

 private:
  Rfc6962TiledTailer(HttpLogClient sth_client, TiledTailer tiles)
      : sth_client_(std::move(sth_client)), tiles_(std::move(tiles)) {}

  HttpLogClient sth_client_;
  TiledTailer tiles_;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_RFC6962_TILED_TAILER_H_
