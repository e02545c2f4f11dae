// The tailing step (ctlog/log_tailer.h) for an RFC 6962 log: get-sth, then get-entries in
// batches the log may shorten.
#ifndef CAAWATCH_CTLOG_TAILER_H_
#define CAAWATCH_CTLOG_TAILER_H_

#include <algorithm>
#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "ctlog/log_client.h"
#include "ctlog/log_key.h"
#include "ctlog/log_tailer.h"
#include "ctlog/log_types.h"

namespace caawatch::ctlog {

struct TailerOptions {
  uint64_t max_batch = 1000;  // Entries asked per get-entries; logs may return fewer.
  // get-entries requests in flight at once (LogClient::GetEntriesRanges), for consecutive
  // ranges of the batch size the log has shown it serves.
  size_t max_in_flight = 4;
};

class Tailer final : public LogTailer {
 public:
  // `client` is borrowed. kInvalidArgument if the log's key is unusable.
  static absl::StatusOr<Tailer> Create(const LogInfo& log, LogClient* client, TailerOptions options,
                                       TailerState state);

  // get-sth, then Audit(). kUnavailable for transport errors.
  [[nodiscard]] absl::StatusOr<SignedTreeHead> FetchSth() override;
  // The signature verifies (else kDataLoss, kBadSignature), then AuditTreeHead with
  // get-sth-consistency proofs.
  [[nodiscard]] absl::Status Audit(const SignedTreeHead& head) override;

  // Fetches the entries after `position` up to `sth.tree_size` (up to max_in_flight requests
  // for consecutive ranges; the log decides how many each returns, and entries after a short
  // answer are dropped and asked again with the smaller batch size the log has shown; at least
  // one entry), folds them in, and when the tree reaches
  // sth.tree_size compares roots: kVerified advances the verified state; kRootMismatch rewinds
  // to it. Precondition: position < sth.tree_size and sth was returned by FetchSth.
  [[nodiscard]] absl::StatusOr<Batch> FetchBatch(const SignedTreeHead& sth) override;

  // get-sth-consistency.
  [[nodiscard]] absl::StatusOr<std::vector<Sha256Hash>> ConsistencyProof(uint64_t m,
                                                                         uint64_t n) override {
    return client_->GetConsistencyProof(m, n);
  }

  const TailerState& state() const override { return state_; }

 private:
  Tailer(LogKey key, LogClient* client, TailerOptions options, TailerState state)
      : key_(std::move(key)),
        client_(client),
        options_(options),
        batch_(std::max<uint64_t>(options.max_batch, 1)),
        state_(std::move(state)) {}
  LogKey key_;
  LogClient* client_;
  TailerOptions options_;
  uint64_t batch_;  // Entries per request: max_batch, or less once the log answered with less.
  TailerState state_;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TAILER_H_
