#include "monitor/service_notices.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace caawatch::monitor {
namespace {

// sd_notify's STATUS= is one line: a newline would start a new assignment.
std::string OneLine(const std::string& status) {
  std::string line = status.substr(0, 200);
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return line;
}

}  // namespace

absl::Time ServiceNotices::Tick(absl::Time now) {
  if (manager_ == nullptr) return absl::InfiniteFuture();
  absl::Time next = absl::InfiniteFuture();
  if (!ready_) {
    if (now >= next_extension_) {
      manager_->Notify(
          absl::StrCat("EXTEND_TIMEOUT_USEC=", absl::ToInt64Microseconds(kStartExtension)));
      next_extension_ = now + kStartExtensionPeriod;
    }
    next = next_extension_;
  }
  const absl::Duration interval = manager_->watchdog_interval();
  if (interval == absl::InfiniteDuration()) return next;
  if (now >= next_watchdog_) {
    manager_->Notify("WATCHDOG=1");
    next_watchdog_ = now + interval;
  }
  return std::min(next, next_watchdog_);
}

void ServiceNotices::Ready(const std::string& status) {
  if (manager_ == nullptr || ready_) return;
  ready_ = true;
  status_ = OneLine(status);
  manager_->Notify(absl::StrCat("READY=1\nSTATUS=", status_));
}

void ServiceNotices::Status(const std::string& status) {
  if (manager_ == nullptr || OneLine(status) == status_) return;
  status_ = OneLine(status);
  manager_->Notify(absl::StrCat("STATUS=", status_));
}

void ServiceNotices::Stopping() {
  if (manager_ == nullptr) return;
  manager_->Notify("STOPPING=1\nSTATUS=stopping: committing and ending");
}

}  // namespace caawatch::monitor
