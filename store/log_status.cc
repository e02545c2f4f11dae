#include "store/log_status.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include "base/status_macros.h"

namespace caawatch::store {
namespace {

absl::Time Millis(int64_t ms) { return ms > 0 ? absl::FromUnixMillis(ms) : absl::InfinitePast(); }

// At least one second: a stale log never reads as up to date.
int64_t AgeSeconds(absl::Time now, absl::Time since) {
  if (since == absl::InfinitePast()) return 1;
  return std::max<int64_t>(1, absl::ToInt64Seconds(now - since));
}

}  // namespace

absl::string_view LogConditionName(LogCondition condition) {
  switch (condition) {
    case LogCondition::kOk:
      return "ok";
    case LogCondition::kCatchingUp:
      return "catching_up";
    case LogCondition::kRetrying:
      return "retrying";
    case LogCondition::kStale:
      return "stale";
  }
  return "stale";
}

LogStatusView SummarizeLog(const LogStateRecord* state, const LogHealthRecord* health,
                           absl::Time now) {
  LogStatusView v;
  if (state != nullptr) {
    v.log_id = state->log_id();
    v.url = state->url();
    v.description = state->description();
    v.position = state->position();
    v.verified_size = state->verified_size();
    v.tree_size = state->tree_size();
    v.lag_entries = v.tree_size > v.position ? v.tree_size - v.position : 0;
    v.last_sth_time = Millis(state->latest_sth_timestamp_ms());
    v.last_error = state->last_error();
    v.last_error_at = Millis(state->last_error_ms());
  }
  absl::Time processed_at = state != nullptr && state->verified_sth_timestamp_ms() > 0
                                ? absl::FromUnixMillis(state->verified_sth_timestamp_ms())
                                : absl::InfinitePast();
  if (health == nullptr) {
    // Nothing says the position is current (an older caawatch wrote it).
    v.condition = LogCondition::kStale;
    v.lag_seconds = AgeSeconds(now, processed_at);
    return v;
  }
  if (state == nullptr) {
    v.log_id = health->log_id();
    v.url = health->url();
    v.description = health->description();
  }
  v.last_error = health->last_error();
  v.last_error_at = Millis(health->last_error_ms());
  v.last_success_at = Millis(health->last_success_ms());
  v.consecutive_failures = health->consecutive_failures();
  v.waiting_for_witnesses = health->waiting_for_witnesses();
  const absl::Duration stale_after = absl::Milliseconds(health->stale_after_ms());
  // A worker that never succeeded has been trying since it started.
  const absl::Time trying_since = std::max(v.last_success_at, Millis(health->started_ms()));
  const bool unattended = now - Millis(health->updated_ms()) > stale_after;
  if (unattended || now - trying_since > stale_after) {
    v.condition = LogCondition::kStale;
  } else if (v.consecutive_failures > 0) {
    v.condition = LogCondition::kRetrying;
  } else {
    v.condition = v.lag_entries > 0 ? LogCondition::kCatchingUp : LogCondition::kOk;
    if (v.lag_entries > 0) {
      v.lag_seconds = AgeSeconds(now, processed_at);
      v.entries_per_second = health->entries_per_second();
      if (v.entries_per_second > 0) {
        v.eta_seconds = static_cast<int64_t>(
            std::ceil(static_cast<double>(v.lag_entries) / v.entries_per_second));
      }
    }
    return v;
  }
  // Failing: what is known is as old as the last contact (or the start, if none).
  const absl::Time known_at = v.last_success_at != absl::InfinitePast() ? v.last_success_at
                              : processed_at != absl::InfinitePast()    ? processed_at
                                                                     : Millis(health->started_ms());
  v.lag_seconds = AgeSeconds(now, known_at);
  return v;
}

absl::StatusOr<std::vector<LogStatusView>> ListLogStatus(Store& store, absl::Time now) {
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<LogStateRecord> states, store.logs().ListStates());
  CAAWATCH_ASSIGN_OR_RETURN(std::vector<LogHealthRecord> health, store.logs().ListHealth());
  std::map<std::string, std::pair<const LogStateRecord*, const LogHealthRecord*>> by_id;
  for (const LogStateRecord& s : states) by_id[s.log_id()].first = &s;
  for (const LogHealthRecord& h : health) by_id[h.log_id()].second = &h;
  std::vector<LogStatusView> out;
  out.reserve(by_id.size());
  for (const auto& [id, records] : by_id) {
    out.push_back(SummarizeLog(records.first, records.second, now));
  }
  return out;
}

}  // namespace caawatch::store
