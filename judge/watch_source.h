// The watchlist in force: the static entries (flags, watchlist file, config) united with the
// store's entries (`caawatch watch add`), swapped atomically on Reload() so a running monitor
// picks up changes without a restart. Thread-safe.
#ifndef CAAWATCH_JUDGE_WATCH_SOURCE_H_
#define CAAWATCH_JUDGE_WATCH_SOURCE_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "store/watches.h"
#include "watch/watchlist.h"

namespace caawatch::judge {

class WatchSource {
 public:
  // `stored` is borrowed and may be null (static entries only).
  WatchSource(watch::Watchlist static_list, store::Watches* stored);
  WatchSource(const std::vector<watch::WatchItem>& static_items, store::Watches* stored)
      : WatchSource(watch::Watchlist(static_items), stored) {}

  // Rebuilds the watchlist from the static entries and the store. Concurrent calls are
  // serialised, so the list in force is never older than the last Reload() to return. With no
  // stored entries the static list itself is in force: a long static list is held once.
  // A stored entry that does not pass ParseWatchEntry (stored by an older caawatch, or by hand)
  // is left out, never fatal: the result says why, one message per entry, for the caller to
  // report; the entry stays in the store until removed. Errors: the store's only.
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> Reload();
  // The current watchlist; callers keep the pointer for the duration of one batch.
  std::shared_ptr<const watch::Watchlist> Current() const;
  // Puts `static_list` in place of the static entries (`caawatch run` reloading its watchlist
  // file and configuration on SIGHUP), then Reload()s. Errors: the store's only, and the new
  // static entries are in place even then (the next Reload() applies them).
  [[nodiscard]] absl::StatusOr<std::vector<std::string>> ReplaceStatic(
      watch::Watchlist static_list);
  // The static entries in force: those given at construction or the latest ReplaceStatic().
  std::shared_ptr<const watch::Watchlist> static_list() const;

 private:
  // Reload() with reload_mu_ held.
  absl::StatusOr<std::vector<std::string>> ReloadLocked() ABSL_EXCLUSIVE_LOCKS_REQUIRED(reload_mu_);

  std::shared_ptr<const watch::Watchlist> static_list_ ABSL_GUARDED_BY(mu_);
  store::Watches* const stored_;
  absl::Mutex reload_mu_;  // Held across a whole Reload(): a slow one cannot undo a later one.
  mutable absl::Mutex mu_;
  std::shared_ptr<const watch::Watchlist> current_ ABSL_GUARDED_BY(mu_);
};

}  // namespace caawatch::judge

#endif  // CAAWATCH_JUDGE_WATCH_SOURCE_H_
