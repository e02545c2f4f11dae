// The pruner `caawatch run` runs beside the tailers (monitor/retention_loop.h): started on a
// store holding a week of tree heads, it removes what the retention rule drops, in steps, and
// keeps every finding's head and each log's latest verified head.
#include "monitor/retention_loop.h"

#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/log.h"
#include "gtest/gtest.h"
#include "store/store.h"
#include "tests/store/simulated_week.h"

namespace caawatch::monitor {
namespace {

TEST(RetentionLoopTest, PrunesAWeekOfHeadsInStepsAndKeepsWhatFindingsNeed) {
  std::string dir = ::testing::TempDir() + "/retention_loop_XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(dir);
  ASSERT_TRUE(store.ok()) << store.status();
  testing::SimulatedWeek week;
  week.logs = 2;
  week.length = absl::Hours(72);
  const std::vector<int64_t> finding_k = {1001, 2002};
  ASSERT_TRUE(testing::WriteSimulatedWeek(week, store->get(), finding_k, -1).ok());
  // Now is the end of the three days: the last day is kept whole, the two before thinned to
  // the first head of each hour.
  FakeClock clock(week.end());
  const Logger logger;
  const int64_t n = week.heads_per_log();
  const int64_t per_hour = absl::Hours(1) / week.head_every;
  const int64_t thinned_until = (week.length - absl::Hours(24)) / week.head_every;  // k <= it.
  const int64_t expected = (n - thinned_until - 1) + (thinned_until / per_hour + 1) + 1;
  {
    const std::unique_ptr<RetentionLoop> loop = RetentionLoop::Start(
        store->get(), &clock, &logger, store::RetentionRule{}, absl::Hours(24));
    // Steps of 2,000 heads: 26 steps, 200 ms apart (real time), about 5 s.
    for (const absl::Time deadline = absl::Now() + absl::Seconds(120); absl::Now() < deadline;) {
      absl::StatusOr<std::vector<store::TreeHeadRecord>> heads =
          (*store)->logs().ListTreeHeads(week.LogId(1), 1'000'000);
      ASSERT_TRUE(heads.ok()) << heads.status();
      if (static_cast<int64_t>(heads->size()) == expected) break;
      absl::SleepFor(absl::Milliseconds(200));
    }
  }
  for (int log = 0; log < week.logs; ++log) {
    absl::StatusOr<std::vector<store::TreeHeadRecord>> heads =
        (*store)->logs().ListTreeHeads(week.LogId(log), 1'000'000);
    ASSERT_TRUE(heads.ok()) << heads.status();
    EXPECT_EQ(static_cast<int64_t>(heads->size()), expected) << "log " << log;
    for (const int64_t k : {finding_k[log], n - 1}) {
      absl::StatusOr<std::optional<store::TreeHeadRecord>> head =
          (*store)->logs().GetTreeHead(week.LogId(log), week.Size(k), week.Root(log, k));
      ASSERT_TRUE(head.ok()) << head.status();
      EXPECT_TRUE(head->has_value()) << "log " << log << " head " << k;
    }
  }
  store->reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace caawatch::monitor
