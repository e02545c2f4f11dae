#include "ctlog/tailer.h"

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/misbehaviour.h"
#include "ctlog/sth.h"

namespace caawatch::ctlog {

absl::StatusOr<Tailer> Tailer::Create(const LogInfo& log, LogClient* client, TailerOptions options,
                                      TailerState state) {
  CAAWATCH_ASSIGN_OR_RETURN(LogKey key, LogKey::FromDer(log.key_der));
  CAAWATCH_RETURN_IF_ERROR(CheckTailerState(state));
  return Tailer(std::move(key), client, options, std::move(state));
}

absl::StatusOr<SignedTreeHead> Tailer::FetchSth() {
  CAAWATCH_ASSIGN_OR_RETURN(SignedTreeHead sth, client_->GetSth());
  CAAWATCH_RETURN_IF_ERROR(Audit(sth));
  return sth;
}

absl::Status Tailer::Audit(const SignedTreeHead& head) {
  if (const absl::Status signed_ok = VerifySth(key_, head); !signed_ok.ok()) {
    return BadSignatureError(head, "tree head", signed_ok);
  }
  return AuditTreeHead(
      state_, head, [this](uint64_t m, uint64_t n) { return client_->GetConsistencyProof(m, n); });
}

absl::StatusOr<Tailer::Batch> Tailer::FetchBatch(const SignedTreeHead& sth) {
  if (state_.position >= sth.tree_size) {
    return absl::InvalidArgumentError("FetchBatch: nothing to fetch below the tree size");
  }
  std::vector<std::pair<uint64_t, uint64_t>> ranges;
  for (uint64_t start = state_.position;
       start < sth.tree_size && ranges.size() < std::max<size_t>(options_.max_in_flight, 1);
       start += batch_) {
    ranges.emplace_back(start, std::min(sth.tree_size, start + batch_) - 1);
  }
  std::vector<absl::StatusOr<std::vector<RawEntry>>> answers = client_->GetEntriesRanges(ranges);
  Batch batch;
  batch.start = state_.position;
  for (size_t i = 0; i < ranges.size(); ++i) {
    if (!answers[i].ok()) {
      if (i == 0) return answers[i].status();
      break;  // What came before is good; the next call asks again from here.
    }
    const uint64_t asked = ranges[i].second - ranges[i].first + 1;
    std::vector<RawEntry>& got = *answers[i];
    if (got.empty() || got.size() > asked) {
      return absl::DataLossError(absl::StrCat("get-entries ", ranges[i].first, "-",
                                              ranges[i].second, " returned ", got.size(),
                                              " entries"));
    }
    batch.entries.insert(batch.entries.end(), std::make_move_iterator(got.begin()),
                         std::make_move_iterator(got.end()));
    if (got.size() < asked) {
      // Later ranges started at the wrong place. A short answer to a full-size request is the
      // log's cap: ask for what it serves from then on. (A range cut by the tree size can be
      // short for other reasons, e.g. a cache behind the head: no lesson from it.)
      if (asked == batch_) batch_ = got.size();
      break;
    }
  }
  FoldBatch(sth, &state_, &batch);
  return batch;
}

}  // namespace caawatch::ctlog
