#include "judge/watch_source.h"

#include "base/status_macros.h"

namespace caawatch::judge {

WatchSource::WatchSource(watch::Watchlist static_list, store::FindingStore* store)
    : static_list_(std::make_shared<const watch::Watchlist>(std::move(static_list))),
      store_(store),
      current_(static_list_) {}

absl::Status WatchSource::Reload() {
  absl::MutexLock reload_lock(&reload_mu_);
  std::vector<store::WatchRecord> records;
  if (store_ != nullptr) {
    CAAWATCH_ASSIGN_OR_RETURN(records, store_->ListWatch());
  }
  std::shared_ptr<const watch::Watchlist> next = static_list_;
  if (!records.empty()) {
    watch::Watchlist::Builder builder(*static_list_);
    for (const store::WatchRecord& r : records) {
      CAAWATCH_ASSIGN_OR_RETURN(std::vector<watch::WatchItem> parsed,
                                watch::ParseWatchlist(r.name()));
      for (watch::WatchItem& item : parsed) {
        item.issuers.assign(r.issuers().begin(), r.issuers().end());
        builder.Add(item);
      }
    }
    next = std::make_shared<const watch::Watchlist>(std::move(builder).Build());
  }
  absl::MutexLock lock(&mu_);
  current_ = std::move(next);
  return absl::OkStatus();
}

std::shared_ptr<const watch::Watchlist> WatchSource::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace caawatch::judge
