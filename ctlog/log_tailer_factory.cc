#include "ctlog/log_tailer_factory.h"

#include <optional>
#include <utility>

#include "base/status_macros.h"
#include "ctlog/http_log_client.h"
#include "ctlog/rfc6962_tiled_tailer.h"
#include "ctlog/tailer.h"
#include "ctlog/tiled_tailer.h"

namespace caawatch::ctlog {
namespace {

// The RFC 6962 Tailer borrows its LogClient; this one owns the HTTP client it reads through.
class HttpRfc6962Tailer final : public LogTailer {
 public:
  explicit HttpRfc6962Tailer(std::unique_ptr<HttpLogClient> client) : client_(std::move(client)) {}
  absl::Status Start(const LogInfo& log, TailerOptions options, TailerState state) {
    CAAWATCH_ASSIGN_OR_RETURN(Tailer tailer,
                              Tailer::Create(log, client_.get(), options, std::move(state)));
    tailer_.emplace(std::move(tailer));
    return absl::OkStatus();
  }
  absl::StatusOr<SignedTreeHead> FetchSth() override { return tailer_->FetchSth(); }
  absl::Status Audit(const SignedTreeHead& head) override { return tailer_->Audit(head); }
  absl::StatusOr<Batch> FetchBatch(const SignedTreeHead& sth) override {
    return tailer_->FetchBatch(sth);
  }
  absl::StatusOr<std::vector<Sha256Hash>> ConsistencyProof(uint64_t m, uint64_t n) override {
    return tailer_->ConsistencyProof(m, n);
  }
  const TailerState& state() const override { return tailer_->state(); }

 private:
  std::unique_ptr<HttpLogClient> client_;
  std::optional<Tailer> tailer_;  // Set by Start(); borrows *client_.
};

}  // namespace

absl::StatusOr<std::unique_ptr<LogTailer>> CreateLogTailer(const LogInfo& log, HttpFetcher* fetcher,
                                                           LogTailerOptions options,
                                                           TailerState state) {
  if (log.kind == LogKind::kStaticCtApi) {
    CAAWATCH_ASSIGN_OR_RETURN(
        TiledTailer tailer,
        TiledTailer::Create(log, fetcher, options.tiled, std::move(state), options.max_in_flight));
    return std::make_unique<TiledTailer>(std::move(tailer));
  }
  if (!log.tiles_url.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(
        std::unique_ptr<Rfc6962TiledTailer> tailer,
        Rfc6962TiledTailer::Create(log, fetcher, options.rfc6962_fetch, options.tiled,
                                   std::move(state), options.max_in_flight));
    return tailer;
  }
  auto tailer = std::make_unique<HttpRfc6962Tailer>(
      std::make_unique<HttpLogClient>(fetcher, log.url, options.rfc6962_fetch));
  CAAWATCH_RETURN_IF_ERROR(tailer->Start(
      log, TailerOptions{options.max_batch, options.max_in_flight}, std::move(state)));
  return tailer;
}

}  // namespace caawatch::ctlog
