// A store as a week of a tiled log's life leaves it, written straight through the store's API
// (no live log): per log a tree head every 10 s (60,480 a week; one per second, as tiled logs
// publish, would be 604,800 and take the test minutes on CI's two cores, for the same
// rule), its state verified at the newest head, CAA poll ledger records, and certificate
// findings whose entries are proven in heads of the first days.
#ifndef CAAWATCH_TESTS_STORE_SIMULATED_WEEK_H_
#define CAAWATCH_TESTS_STORE_SIMULATED_WEEK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "store/store.h"

namespace caawatch::testing {

struct SimulatedWeek {
  absl::Time start = absl::FromUnixSeconds(1'790'000'000 / 3600 * 3600);  // On an hour.
  absl::Duration length = absl::Hours(24 * 7);
  absl::Duration head_every = absl::Seconds(10);
  int logs = 3;

  absl::Time end() const { return start + length; }
  int64_t heads_per_log() const { return length / head_every; }
  std::string LogId(int log) const;
  // The head k of a log: signed at start + k * head_every, of size 1000 + 7k.
  uint64_t Size(int64_t k) const { return 1000 + 7 * static_cast<uint64_t>(k); }
  std::string Root(int log, int64_t k) const;
  absl::Time SignedAt(int64_t k) const { return start + k * head_every; }
};

// Heads (every one "consistent", but `misbehaviour_k` of log 0 "misbehaviour"), log states
// verified at each log's newest head, one finding per log proven in head `finding_k[log]`, and a
// CAA poll ledger record every hour. Findings get seqs 1..logs.
absl::Status WriteSimulatedWeek(const SimulatedWeek& week, store::Store* store,
                                const std::vector<int64_t>& finding_k, int64_t misbehaviour_k);

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_STORE_SIMULATED_WEEK_H_
