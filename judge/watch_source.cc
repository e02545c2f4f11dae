#include "judge/watch_source.h"

#include "absl/strings/str_cat.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"

namespace caawatch::judge {

WatchSource::WatchSource(watch::Watchlist static_list, store::Watches* stored)
    : static_list_(std::make_shared<const watch::Watchlist>(std::move(static_list))),
      stored_(stored),
      current_(static_list_) {}

absl::StatusOr<std::vector<std::string>> WatchSource::Reload() {
  absl::MutexLock reload_lock(&reload_mu_);
  return ReloadLocked();
}

absl::StatusOr<std::vector<std::string>> WatchSource::ReplaceStatic(watch::Watchlist static_list) {
  absl::MutexLock reload_lock(&reload_mu_);
  {
    absl::MutexLock lock(&mu_);
    static_list_ = std::make_shared<const watch::Watchlist>(std::move(static_list));
  }
  return ReloadLocked();
}

std::shared_ptr<const watch::Watchlist> WatchSource::static_list() const {
  absl::MutexLock lock(&mu_);
  return static_list_;
}

absl::StatusOr<std::vector<std::string>> WatchSource::ReloadLocked() {
  std::vector<store::WatchRecord> records;
  if (stored_ != nullptr) {
    CAAWATCH_ASSIGN_OR_RETURN(records, stored_->List());
  }
  std::shared_ptr<const watch::Watchlist> next = static_list();
  std::vector<std::string> skipped;
  if (!records.empty()) {
    watch::Watchlist::Builder builder(*next);
    for (const store::WatchRecord& r : records) {
      // The name as stored, with the stored issuers: the check every new entry passes.
      absl::StatusOr<watch::WatchItem> item = watch::ParseWatchEntry(
          r.name(), std::vector<std::string>(r.issuers().begin(), r.issuers().end()));
      if (!item.ok()) {
        skipped.push_back(absl::StrCat("stored watch entry ", QuoteInput(r.name()),
                                       " skipped: ", item.status().message(),
                                       " (`caawatch watch remove` removes it)"));
        continue;
      }
      builder.Add(*item);
    }
    next = std::make_shared<const watch::Watchlist>(std::move(builder).Build());
  }
  absl::MutexLock lock(&mu_);
  current_ = std::move(next);
  return skipped;
}

std::shared_ptr<const watch::Watchlist> WatchSource::Current() const {
  absl::MutexLock lock(&mu_);
  return current_;
}

}  // namespace caawatch::judge
