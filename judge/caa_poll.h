// One CAA poll of a watchlist (SPEC §3): every watched name and every name on its search path,
// each once, looked up many at a time and recorded a batch per store write, with progress
// logged, so that a poll of a million names takes seconds and never holds up the tailing. With
// a ledger, names answered recently (CaaPollLedger) are left out: they are not due yet.
#ifndef CAAWATCH_JUDGE_CAA_POLL_H_
#define CAAWATCH_JUDGE_CAA_POLL_H_

#include <cstddef>
#include <functional>
#include <map>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "base/log.h"
#include "judge/caa_observer.h"
#include "store/caa_polls.h"
#include "watch/watchlist.h"

namespace caawatch::judge {

struct CaaPollOptions {
  // Names looked up together (the resolver runs them concurrently) and recorded in one store
  // write. Bounds the memory of a poll: `concurrency` batches of names and answers at a time.
  size_t batch_size = 1000;
  // Batches in progress at once, each on its own thread and resolver context: one batch's
  // lookups overlap another's store write, and both cores are used.
  int concurrency = 2;
  // Progress is logged every this many names (and at the end when the poll logged any).
  size_t progress_every = 100000;
  // True ends the poll early (shutdown): checked between batches and, at least every 200 ms,
  // while a batch's lookups wait; a batch cut short is discarded, not recorded.
  std::function<bool()> stop;
  // The poll ledger. Null: every name is polled and nothing is recorded. Otherwise the names
  // answered less than `fresh_for` before `clock`'s now are skipped, every batch's answered
  // names are recorded with the clock's time, and a poll of the whole list (no
  // `already_observed`) deletes the older ledger records.
  store::CaaPolls* ledger = nullptr;
  // Required with a ledger. Also times the poll (CaaPollStats::elapsed: zero without a clock).
  const Clock* clock = nullptr;
  absl::Duration fresh_for = absl::ZeroDuration();
};

struct CaaPollStats {
  size_t names = 0;     // Looked up and recorded.
  size_t failures = 0;  // Among them, lookups that got no answer (recorded as such).
  std::map<std::string, size_t> failures_by_outcome;  // "timeout", "servfail"...
  std::string first_failure;                          // Its name, outcome and message.
  size_t new_observations = 0;                        // Answers that started an observation.
  size_t skipped_fresh = 0;  // Left out: the ledger shows them answered within fresh_for.
  // The earliest ledger time among the skipped names (InfiniteFuture when none): they are due
  // again one poll interval after it.
  absl::Time oldest_skipped = absl::InfiniteFuture();
  bool stopped = false;  // Ended early by `stop`.
  absl::Duration elapsed;
};

// Polls the search names of `list` (Watchlist::SearchName), except those that are also search
// names of `already_observed` (may be null: all of them) and those the ledger shows fresh.
// `logger` may be null. Errors only when the store fails; the batches recorded before stay
// recorded.
// One line: "12 names answered, 3 without an answer (timeout: 3; first: ...)".
std::string CaaPollSummary(const CaaPollStats& stats);

[[nodiscard]] absl::StatusOr<CaaPollStats> PollWatchlistCaa(
    const watch::Watchlist& list, const watch::Watchlist* already_observed, CaaObserver* observer,
    const Logger* logger, const CaaPollOptions& options = {});

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_CAA_POLL_H_
