// `caawatch store stats` and `store compact` through the built program, on a store holding a
// simulated week of tree heads (tests/store/simulated_week.h): stats show where the space is,
// compact applies the retention rule and gives the space back, and stats show the drop.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "store/store.h"
#include "tests/cli/cli_fixture.h"
#include "tests/store/simulated_week.h"

namespace caawatch {
namespace {

using ::testing::HasSubstr;

class StoreCliTest : public testing::CliFixture {
 protected:
  // A week long past (September 2026): every head is older than keep_all_tree_heads_for.
  void WriteWeek() {
    absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(data_dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE(testing::WriteSimulatedWeek(week_, store->get(), {4000, 9001, 123}, 20005).ok());
  }

  nlohmann::json Stats() {
    const testing::CommandResult r =
        Caawatch({"store", "stats", "--json", "--data-dir", data_dir_});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  }

  static nlohmann::json Family(const nlohmann::json& stats, const std::string& name) {
    for (const nlohmann::json& f : stats["families"]) {
      if (f["family"] == name) return f;
    }
    return nullptr;
  }

  const testing::SimulatedWeek week_{};
};

TEST_F(StoreCliTest, StatsShowWhereTheSpaceIsAndCompactGivesTheHeadsBack) {
  // No store yet: both say so, and compact does not create one.
  EXPECT_EQ(Caawatch({"store", "stats", "--data-dir", data_dir_}).exit_code, 1);
  const testing::CommandResult none = Caawatch({"store", "compact", "--data-dir", data_dir_});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_FALSE(testing::Exists(data_dir_ + "/CURRENT")) << none.err;
  ASSERT_NO_FATAL_FAILURE(WriteWeek());
  const uint64_t heads = week_.heads_per_log() * week_.logs;  // 181,440.
  const nlohmann::json before = Stats();
  ASSERT_TRUE(before.is_object());
  // Largest first: the heads are nearly all of it.
  EXPECT_EQ(before["families"][0]["family"], "tree_heads");
  const nlohmann::json head_family = Family(before, "tree_heads");
  EXPECT_EQ(head_family["keys"], heads);
  ASSERT_EQ(head_family["prefixes"].size(), 3u);  // One per log.
  EXPECT_EQ(head_family["prefixes"][0]["keys"], heads / 3);
  EXPECT_EQ(Family(before, "caa_polled")["keys"], 24 * 7);
  // On disk the heads are compressed: their SST files hold less than their bytes.
  EXPECT_GT(before["total_bytes"], head_family["sst_bytes"]);
  EXPECT_GT(head_family["sst_files"], 0);

  const testing::CommandResult text = Caawatch({"store", "stats", "--data-dir", data_dir_});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("tree_heads"));
  EXPECT_THAT(text.out, HasSubstr("log 41414141"));
  EXPECT_THAT(text.out, HasSubstr(" MiB"));
  EXPECT_THAT(text.out, HasSubstr("write-ahead log: "));
  EXPECT_THAT(text.out, HasSubstr("total on disk: "));

  // While another process holds the store: stats read it, compact is refused.
  {
    absl::StatusOr<std::unique_ptr<store::Store>> held = store::Store::Open(data_dir_);
    ASSERT_TRUE(held.ok()) << held.status();
    EXPECT_EQ(Caawatch({"store", "stats", "--json", "--data-dir", data_dir_}).exit_code, 0);
    const testing::CommandResult refused = Caawatch({"store", "compact", "--data-dir", data_dir_});
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_THAT(refused.err, HasSubstr("locked"));
  }

  const testing::CommandResult compact =
      Caawatch({"store", "compact", "--json", "--data-dir", data_dir_});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  const nlohmann::json report = nlohmann::json::parse(compact.out, nullptr, false);
  // Per log: the first head of each of the 168 hours, the latest verified head, the finding's
  // head; log 0 also its misbehaviour head.
  const uint64_t kept = 3 * (168 + 1 + 1) + 1;
  EXPECT_EQ(report["tree_heads_examined"], heads);
  EXPECT_EQ(report["tree_heads_removed"], heads - kept);
  EXPECT_EQ(report["caa_polled_before"], 24 * 7);
  EXPECT_EQ(report["caa_polled_after"], 0);  // All older than the poll interval.
  EXPECT_LT(report["bytes_after"].get<uint64_t>(), report["bytes_before"].get<uint64_t>() / 4)
      << compact.out;

  const nlohmann::json after = Stats();
  EXPECT_EQ(Family(after, "tree_heads")["keys"], kept);
  EXPECT_LT(after["total_bytes"].get<uint64_t>(), before["total_bytes"].get<uint64_t>() / 4);
  EXPECT_EQ(Family(after, "findings")["keys"], 3);
}

}  // namespace
}  // namespace caawatch
