#include "ctlog/rfc6962_tiled_tailer.h"

#include <utility>

#include "base/status_macros.h"

namespace caawatch::ctlog {

absl::StatusOr<std::unique_ptr<Rfc6962TiledTailer>> Rfc6962TiledTailer::Create(
    const LogInfo& log, HttpFetcher* fetcher, FetchOptions sth_fetch, TiledLogClientOptions tiles,
    TailerState state, size_t max_in_flight) {
  // The tiles are read as a static-ct-api log's under their own prefix; the checkpoint origin
  // the tiled reader wants is never used, since the head is the RFC 6962 STH.
  LogInfo tiled = log;
  tiled.kind = LogKind::kStaticCtApi;
  tiled.url = log.tiles_url;
  tiled.submission_url = log.url;
  CAAWATCH_ASSIGN_OR_RETURN(
      TiledTailer tailer,
      TiledTailer::Create(tiled, fetcher, std::move(tiles), std::move(state), max_in_flight));
  return std::unique_ptr<Rfc6962TiledTailer>(new Rfc6962TiledTailer(
      HttpLogClient(fetcher, log.url, std::move(sth_fetch)), std::move(tailer)));
}

absl::StatusOr<SignedTreeHead> Rfc6962TiledTailer::FetchSth() {
  CAAWATCH_ASSIGN_OR_RETURN(SignedTreeHead sth, sth_client_.GetSth());
  CAAWATCH_RETURN_IF_ERROR(Audit(sth));
  return sth;
}

}  // namespace caawatch::ctlog
