#include "monitor/watch_source.h"

#include "base/status_macros.h"

namespace caawatch::monitor {

WatchSource::WatchSource(std::vector<WatchItem> static_items, store::FindingStore* store)
    : static_items_(std::move(static_items)),
      store_(store),
      current_(std::make_shared<const Watchlist>(static_items_)) {}

absl::Status WatchSource::Reload() {
  absl::MutexLock reload_lock(&reload_mu_);
  std::vector<WatchItem> items = static_items_;
  if (store_ != nullptr) {
    CAAWATCH_ASSIGN_OR_RETURN(std::vector<store::WatchRecord> records, store_->ListWatch());
    for (const store::WatchRecord& r : records) {
      CAAWATCH_ASSIGN_OR_RETURN(std::vector<WatchItem> parsed, ParseWatchlist(r.name()));
      for (WatchItem& item : parsed) {
        item.issuers.assign(r.issuers().begin(), r.issuers().end());
        items.push_back(std::move(item));
      }
    }
  }
  auto next = std::make_shared<const Watchlist>(std::move(items));
  absl::MutexLock lock(&mu_);
  current_ = std::move(next);
  return absl::OkStatus();
}

std::shared_ptr<const Watchlist> WatchSource::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace caawatch::monitor
