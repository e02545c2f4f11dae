// Retention end to end (issue 22): after a forbidden finding on the test log, the store gets a
// simulated week of older heads of that log (written through the store's API); `caawatch store
// compact` removes all but the rule's, `store stats` shows the drop, and the finding's evidence
// bundle is still written and verified (`caawatch evidence`, `evidence verify`).
#include <signal.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "store/keys.h"
#include "store/store.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;

using RetentionE2eTest = testing::EndToEndFixture;

uint64_t TreeHeadKeys(const CommandResult& stats) {
  const nlohmann::json j = nlohmann::json::parse(stats.out, nullptr, false);
  if (!j.is_object()) return 0;
  for (const nlohmann::json& f : j["families"]) {
    if (f["family"] == "tree_heads") return f["keys"].get<uint64_t>();
  }
  return 0;
}

TEST_F(RetentionE2eTest, AfterAWeekOfHeadsIsCompactedTheFindingsEvidenceStillVerifies) {
  std::unique_ptr<testing::Subprocess> log =
      StartLog({.noise = 50, .plants = {"--plant-on-signal", "www.forbidden.test:letsencrypt"}});
  const std::string config = WriteFile("config.json", R"({"sth_poll_interval": "200ms"})");
  Subscribed run = RunAndSubscribe(config);
  ASSERT_NE(run.reader, nullptr);
  v1::Alert alert;
  ASSERT_TRUE(PublishPlantAndReadAlert(run, *log, &alert));
  ASSERT_EQ(alert.finding().verdict(), v1::FORBIDDEN) << alert.DebugString();
  const std::string seq = std::to_string(alert.seq());
  run.context->TryCancel();
  ASSERT_TRUE(testing::StopsCleanly(*run.monitor));

  // A week of older heads of the same log before the real ones: one every 10 s, each of a size
  // below the verified one (another root each, as a log's history would hold had it grown).
  const std::map<std::string, nlohmann::json> logs = LogsByDescription();
  ASSERT_FALSE(logs.empty());
  std::string log_id;
  ASSERT_TRUE(absl::Base64Unescape(logs.begin()->second["log_id"].get<std::string>(), &log_id));
  const int64_t week_heads = 7 * 24 * 360;
  {
    absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(data_dir());
    ASSERT_TRUE(store.ok()) << store.status();
    store::Database& db = (*store)->database();
    const absl::Time start = absl::Now() - absl::Hours(24 * 8);
    rocksdb::WriteBatch batch;
    for (int64_t k = 0; k < week_heads; ++k) {
      store::TreeHeadRecord head;
      head.set_log_id(log_id);
      head.set_tree_size(1 + static_cast<uint64_t>(k % 40));
      head.set_root_hash(store::BigEndian64(k) + std::string(24, 'r'));
      head.set_timestamp_ms(
          static_cast<uint64_t>(absl::ToUnixMillis(start + k * absl::Seconds(10))));
      head.set_signature(std::string(72, 's'));
      head.set_audit("consistent");
      batch.Put(db.handle(store::Family::kTreeHeads),
                store::TreeHeadKey(log_id, head.tree_size(), head.root_hash()),
                head.SerializeAsString());
    }
    ASSERT_TRUE(db.Write(&batch, /*sync=*/true, "test heads").ok());
  }
  const uint64_t before = TreeHeadKeys(Cli({"store", "stats", "--json"}));
  ASSERT_GE(before, static_cast<uint64_t>(week_heads));

  const CommandResult compact = Cli({"store", "compact"});
  ASSERT_EQ(compact.exit_code, 0) << compact.err;
  EXPECT_THAT(compact.out, HasSubstr("removed"));
  const uint64_t after = TreeHeadKeys(Cli({"store", "stats", "--json"}));
  // What stays of the week: at most the first head of each of its hours (sizes 1-40 repeat, so
  // an hour's first is the smallest size signed in it).
  EXPECT_LT(after, before - week_heads + 24 * 8 + 1) << compact.out;

  const std::string out = dir() + "/bundle";
  const CommandResult written = Cli({"evidence", seq, "--out", out, "--log-list", loglist()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_THAT(written.out, HasSubstr("verified"));
  const CommandResult verified = testing::RunCommand(
      {caawatch(), "evidence", "verify", out, "--log-list", loglist()}, dir(), absl::Seconds(30));
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("bundle verified"));
}

}  // namespace
}  // namespace caawatch
