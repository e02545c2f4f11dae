// What `caawatch status` says of a log from its stored position and health record (issue 16):
// a failing log is `retrying` and then `stale`, a record nobody keeps current is `stale`, and a
// stale or retrying log never shows lag 0.
#include "store/log_status.h"

#include "gtest/gtest.h"

namespace caawatch::store {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

int64_t Ms(absl::Time t) { return absl::ToUnixMillis(t); }

LogStateRecord CaughtUpState() {
  LogStateRecord s;
  s.set_log_id(std::string(32, 'a'));
  s.set_description("a log");
  s.set_position(100);
  s.set_verified_size(100);
  s.set_tree_size(100);
  s.set_verified_sth_timestamp_ms(Ms(kNow - absl::Minutes(17)));
  return s;
}

LogHealthRecord Health(absl::Time last_success, uint32_t failures, absl::Time updated) {
  LogHealthRecord h;
  h.set_log_id(std::string(32, 'a'));
  h.set_description("a log");
  h.set_started_ms(Ms(kNow - absl::Hours(1)));
  h.set_last_success_ms(Ms(last_success));
  h.set_consecutive_failures(failures);
  if (failures > 0) {
    h.set_last_error("connection refused");
    h.set_last_error_ms(Ms(updated));
  }
  h.set_updated_ms(Ms(updated));
  h.set_stale_after_ms(10000);
  return h;
}

TEST(LogStatusTest, AnAnsweringCaughtUpLogIsOkWithLagZero) {
  const LogStateRecord state = CaughtUpState();
  const LogHealthRecord health = Health(kNow - absl::Seconds(1), 0, kNow - absl::Seconds(1));
  const LogStatusView v = SummarizeLog(&state, &health, kNow);
  EXPECT_EQ(v.condition, LogCondition::kOk);
  EXPECT_EQ(v.lag_seconds, 0);
}

TEST(LogStatusTest, ALogBehindIsCatchingUp) {
  LogStateRecord state = CaughtUpState();
  state.set_tree_size(200);
  const LogHealthRecord health = Health(kNow - absl::Seconds(1), 0, kNow - absl::Seconds(1));
  const LogStatusView v = SummarizeLog(&state, &health, kNow);
  EXPECT_EQ(v.condition, LogCondition::kCatchingUp);
  EXPECT_EQ(v.lag_entries, 100u);
  EXPECT_EQ(v.lag_seconds, 17 * 60);
}

TEST(LogStatusTest, ACatchingUpLogHasTheWorkersRateAndTheTimeLeftAtIt) {
  LogStateRecord state = CaughtUpState();
  state.set_tree_size(1100);  // 1,000 entries behind.
  LogHealthRecord health = Health(kNow - absl::Seconds(1), 0, kNow - absl::Seconds(1));
  EXPECT_EQ(SummarizeLog(&state, &health, kNow).eta_seconds, -1);  // No rate measured yet.
  health.set_entries_per_second(300);
  const LogStatusView v = SummarizeLog(&state, &health, kNow);
  EXPECT_EQ(v.entries_per_second, 300);
  EXPECT_EQ(v.eta_seconds, 4);  // 1000 / 300, rounded up.
  // Caught up: no rate, no time left, whatever the record kept.
  const LogStateRecord caught_up = CaughtUpState();
  const LogStatusView done = SummarizeLog(&caught_up, &health, kNow);
  EXPECT_EQ(done.entries_per_second, 0);
  EXPECT_EQ(done.eta_seconds, -1);
}

TEST(LogStatusTest, AFailingLogIsRetryingWithItsErrorThenStale) {
  const LogStateRecord state = CaughtUpState();
  LogHealthRecord health = Health(kNow - absl::Seconds(4), 2, kNow - absl::Seconds(1));
  LogStatusView v = SummarizeLog(&state, &health, kNow);
  EXPECT_EQ(v.condition, LogCondition::kRetrying);
  EXPECT_EQ(v.last_error, "connection refused");
  EXPECT_EQ(v.last_success_at, kNow - absl::Seconds(4));
  EXPECT_EQ(v.lag_seconds, 4);

  health = Health(kNow - absl::Seconds(50), 9, kNow - absl::Seconds(1));
  v = SummarizeLog(&state, &health, kNow);
  EXPECT_EQ(v.condition, LogCondition::kStale);
  EXPECT_EQ(v.lag_seconds, 50);
}

TEST(LogStatusTest, ARecordNobodyKeepsCurrentIsStaleNotLagZero) {
  const LogStateRecord state = CaughtUpState();
  // The monitor stopped 17 minutes ago, its last poll having succeeded.
  const LogHealthRecord health = Health(kNow - absl::Minutes(17), 0, kNow - absl::Minutes(17));
  const LogStatusView v = SummarizeLog(&state, &health, kNow);
  EXPECT_EQ(v.condition, LogCondition::kStale);
  EXPECT_EQ(v.lag_seconds, 17 * 60);
  // No health record at all (an older caawatch wrote the position): stale as well.
  EXPECT_EQ(SummarizeLog(&state, nullptr, kNow).condition, LogCondition::kStale);
  EXPECT_GT(SummarizeLog(&state, nullptr, kNow).lag_seconds, 0);
}

TEST(LogStatusTest, ALogNeverReachedIsListedWithItsError) {
  LogHealthRecord health = Health(absl::UnixEpoch(), 3, kNow - absl::Seconds(1));
  health.set_last_success_ms(0);
  health.set_started_ms(Ms(kNow - absl::Seconds(3)));
  LogStatusView v = SummarizeLog(nullptr, &health, kNow);
  EXPECT_EQ(v.condition, LogCondition::kRetrying);
  EXPECT_EQ(v.description, "a log");
  EXPECT_EQ(v.last_success_at, absl::InfinitePast());
  EXPECT_EQ(v.lag_seconds, 3);
  health.set_started_ms(Ms(kNow - absl::Minutes(1)));
  EXPECT_EQ(SummarizeLog(nullptr, &health, kNow).condition, LogCondition::kStale);
}

}  // namespace
}  // namespace caawatch::store
