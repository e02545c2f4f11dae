#include "notify/delivery.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"

namespace caawatch::notify {

absl::StatusOr<std::unique_ptr<Delivery>> Delivery::Create(
    const NotifyConfig& config, const std::string& files_root, store::Store* store,
    const Clock* clock, const Logger* logger, std::function<size_t()> names_watched,
    std::function<std::string(const store::FindingRecord&)> watch_item_of) {
  auto delivery = std::unique_ptr<Delivery>(new Delivery());
  CAAWATCH_ASSIGN_OR_RETURN(delivery->sinks_,
                            BuildSinks(config, files_root, logger, &store->iodef_reports()));
  if (delivery->sinks_.empty()) return delivery;
  if (::mkdir(files_root.c_str(), 0700) != 0 && errno != EEXIST) {
    return absl::FailedPreconditionError(absl::StrCat(
        "cannot create ", QuoteInput(files_root), " for the hooks' files: ", std::strerror(errno)));
  }
  CourierOptions options;
  options.poll_interval = config.poll_interval;
  options.max_backoff = config.max_backoff;
  options.first_backoff = std::min(options.first_backoff, config.max_backoff);
  options.once_attempts = config.once_attempts;
  options.heartbeat = config.heartbeat;
  options.names_watched = std::move(names_watched);
  options.watch_item_of = std::move(watch_item_of);
  for (const Sink& sink : delivery->sinks_) {
    CAAWATCH_ASSIGN_OR_RETURN(std::unique_ptr<SinkCourier> courier,
                              SinkCourier::Create(&sink, store, clock, logger, options));
    delivery->couriers_.push_back(std::move(courier));
  }
  return delivery;
}

Delivery::~Delivery() { Stop(); }

void Delivery::Start() {
  for (auto& courier : couriers_) {
    threads_.emplace_back([this, c = courier.get()] { c->Run(stop_); });
  }
}

void Delivery::Stop() {
  if (!stop_.HasBeenNotified()) stop_.Notify();
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

absl::Status Delivery::CatchUp(const absl::Notification& stop) {
  std::vector<absl::Status> results(couriers_.size());
  std::vector<std::thread> threads;
  for (size_t i = 0; i < couriers_.size(); ++i) {
    threads.emplace_back([&, i] { results[i] = couriers_[i]->CatchUp(stop); });
  }
  for (std::thread& t : threads) t.join();
  std::vector<std::string> left;
  for (size_t i = 0; i < results.size(); ++i) {
    if (!results[i].ok())
      left.push_back(absl::StrCat(couriers_[i]->sink().id(), ": ", results[i].message()));
  }
  if (left.empty()) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("notifications left for the next run: ", absl::StrJoin(left, "; ")));
}

}  // namespace caawatch::notify
