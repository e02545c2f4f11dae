#include "tail/log_health.h"

#include <algorithm>

namespace caawatch::tail {

LogHealth::LogHealth(const ctlog::LogInfo& log, store::Store* store, const Clock* clock,
                     absl::Duration stale_after)
    : store_(store), clock_(clock), stale_after_(stale_after) {
  record_.set_log_id(std::string(log.log_id.begin(), log.log_id.end()));
  record_.set_url(log.url);
  record_.set_description(log.description);
  record_.set_stale_after_ms(absl::ToInt64Milliseconds(stale_after));
}

void LogHealth::Begin() {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  record_.set_started_ms(absl::ToUnixMillis(now));
}

void LogHealth::Succeeded() {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  const bool recovered = record_.consecutive_failures() > 0 || record_.last_success_ms() == 0;
  reported_ = true;
  record_.set_last_success_ms(absl::ToUnixMillis(now));
  record_.set_consecutive_failures(0);
  if (recovered || now - written_at_ >= stale_after_ / 4) Write(now);
}

void LogHealth::SetRate(double entries_per_second) {
  absl::MutexLock lock(&mu_);
  record_.set_entries_per_second(entries_per_second);
}

void LogHealth::SetWaitingForWitnesses(const std::string& why) {
  absl::MutexLock lock(&mu_);
  if (record_.waiting_for_witnesses() == why) return;
  record_.set_waiting_for_witnesses(why);
  Write(clock_->Now());
}

void LogHealth::Failed(const absl::Status& error) {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  reported_ = true;
  record_.set_last_error(std::string(error.message()));
  record_.set_last_error_ms(absl::ToUnixMillis(now));
  record_.set_consecutive_failures(record_.consecutive_failures() + 1);
  Write(now);
}

bool LogHealth::Stale() const {
  const absl::Time now = clock_->Now();
  absl::MutexLock lock(&mu_);
  // A worker that has not begun has not been asked anything yet: not stale.
  if (record_.started_ms() == 0) return false;
  const int64_t since = std::max(record_.last_success_ms(), record_.started_ms());
  return now - absl::FromUnixMillis(since) > stale_after_;
}

bool LogHealth::Failing() const {
  absl::MutexLock lock(&mu_);
  return record_.consecutive_failures() > 0;
}

bool LogHealth::Reported() const {
  absl::MutexLock lock(&mu_);
  return reported_;
}

std::string LogHealth::last_error() const {
  absl::MutexLock lock(&mu_);
  return record_.last_error();
}

void LogHealth::Write(absl::Time now) {
  record_.set_updated_ms(absl::ToUnixMillis(now));
  if (store_->logs().PutHealth(record_).ok()) written_at_ = now;
}

}  // namespace caawatch::tail
