// The per-log tailing step (no threads, no clock, no storage): fetches and verifies signed
// tree heads, fetches entries in order, folds their leaf hashes into the collapsed tree and
// checks the root whenever the tree reaches a signed size. Entries count as verified only then.
#ifndef CAAWATCH_CTLOG_TAILER_H_
#define CAAWATCH_CTLOG_TAILER_H_

#include <cstdint>
#include <vector>

#include "absl/status/statusor.h"
#include "ctlog/log_client.h"
#include "ctlog/log_key.h"
#include "ctlog/log_types.h"
#include "ctlog/merkle.h"

namespace caawatch::ctlog {

struct TailerState {
  uint64_t position = 0;       // Entries [0, position) fetched and folded into `tree`.
  CollapsedTree tree;          // size() == position.
  uint64_t verified_size = 0;  // The last size whose root matched a signed tree head.
  Sha256Hash verified_root{};
  CollapsedTree verified_tree;  // size() == verified_size: where to rewind on a mismatch.
};

struct TailerOptions {
  uint64_t max_batch = 1000;  // Entries asked per get-entries; logs may return fewer.
};

class Tailer {
 public:
  enum class Verification { kPending, kVerified, kRootMismatch };
  struct Batch {
    uint64_t start = 0;
    std::vector<RawEntry> entries;
    Verification verification = Verification::kPending;
    Sha256Hash computed_root{};  // kRootMismatch: what the entries hash to.
  };

  // `client` is borrowed. kInvalidArgument if the log's key is unusable.
  static absl::StatusOr<Tailer> Create(const LogInfo& log, LogClient* client, TailerOptions options,
                                       TailerState state);

  // get-sth, then: the signature verifies (else kDataLoss); the tree does not shrink below the
  // verified size (kDataLoss); a head of the verified size has the verified root (kDataLoss: a
  // fork). kUnavailable for transport errors.
  [[nodiscard]] absl::StatusOr<SignedTreeHead> FetchSth();

  // Fetches the entries after `position` up to `sth.tree_size` (one request; the log decides
  // how many it returns, at least one), folds them in, and when the tree reaches
  // sth.tree_size compares roots: kVerified advances the verified state; kRootMismatch rewinds
  // to it. Precondition: position < sth.tree_size and sth was returned by FetchSth.
  [[nodiscard]] absl::StatusOr<Batch> FetchBatch(const SignedTreeHead& sth);

  const TailerState& state() const { return state_; }

 private:
  Tailer(LogKey key, LogClient* client, TailerOptions options, TailerState state)
      : key_(std::move(key)), client_(client), options_(options), state_(std::move(state)) {}
  LogKey key_;
  LogClient* client_;
  TailerOptions options_;
  TailerState state_;
};

}  // namespace caawatch::ctlog

#endif  // CAAWATCH_CTLOG_TAILER_H_
