// Which watched names a CAA poll answered recently (store family `caa_polled`), so that a start
// or a due poll asks only the names whose last answer is older than the poll interval: a
// restart of a monitor watching a million names does not ask a million names again, and a
// `run --once` from cron polls at the configured interval, not at every run.
#ifndef CAAWATCH_JUDGE_CAA_POLL_LEDGER_H_
#define CAAWATCH_JUDGE_CAA_POLL_LEDGER_H_

#include <cstdint>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "store/caa_polls.h"

namespace caawatch::judge {

// The ledger's key for a query name: watch::StableHash64, stable across builds and runs. (Until
// the redesign it was FNV-1a: the records of an older build match no name, so those names are
// polled again once and their records expire.) A collision
// (about one in 10^7 among a million names) makes one name skip one poll: its history has a
// longer gap, which max_gap and the evaluation already account for.
uint64_t PolledNameHash(absl::string_view query_name);

class CaaPollLedger {
 public:
  // The names polled at or after `since`, read from `polls`.
  [[nodiscard]] static absl::StatusOr<CaaPollLedger> Load(store::CaaPolls* polls, absl::Time since);

  // When `query_name` was last polled (at or after `since`), if it was.
  std::optional<absl::Time> PolledAt(absl::string_view query_name) const;
  size_t size() const { return polled_.size(); }

 private:
  // Name hash -> unix ms of its newest answer: ~20 bytes per name, one probe per lookup (a
  // start with a million names asks a million times).
  absl::flat_hash_map<uint64_t, int64_t> polled_;
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_CAA_POLL_LEDGER_H_
