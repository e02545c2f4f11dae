// Tree hashes read from a static-ct-api log's hash tiles, checked against the test log's naive
// RFC 6962 recursions; and starting a tiled log mid-way from those tiles (`--start-at`).
#include "ctlog/tile_hashes.h"

#include <filesystem>
#include <fstream>

#include "ctlog/merkle.h"
#include "ctlog/tile_inclusion.h"
#include "ctlog/tiled_start_state.h"
#include "ctlog/tiled_tailer.h"
#include "gtest/gtest.h"
#include "tests/ctlog/static_ct_fixture.h"
#include "tests/fakes/directory_fetcher.h"

namespace caawatch::ctlog {
namespace {

constexpr char kMonitoringUrl[] = "https://mon.tiled.caawatch.test/log/";

class TileHashesTest : public ::testing::Test {
 protected:
  testing::StaticCtTestLog log_;
  fakes::DirectoryFetcher fetcher_{kMonitoringUrl, log_.dir()};
  TiledLogClient client_{&fetcher_, kMonitoringUrl};
};

TEST_F(TileHashesTest, ProofsRootsAndEdgesEqualTheReferenceRecursionsAtEverySize) {
  log_.Grow(1000);  // 2,000 entries: level-0 tiles 000-006 and 007.p/208, level-1 tile 000.p/7.
  fakes::StaticCtFilesOptions options;
  options.remove_partials_of_full_tiles = true;
  log_.Publish(options);
  const uint64_t n = log_.log().published_size();
  TileHashReader reader(&client_, n);
  for (uint64_t m : {1ull, 2ull, 255ull, 256ull, 257ull, 511ull, 512ull, 1024ull, 1500ull, 1792ull,
                     1999ull, 2000ull}) {
    auto proof = reader.ConsistencyProof(m);
    ASSERT_TRUE(proof.ok()) << m << ": " << proof.status();
    EXPECT_EQ(*proof, *log_.log().ConsistencyProof(m, n)) << m;
    auto edge = reader.EdgeAt(m);
    ASSERT_TRUE(edge.ok()) << edge.status();
    EXPECT_EQ(edge->Root(), log_.log().RootAt(m)) << m;
    auto range = reader.RangeHash(0, m);
    ASSERT_TRUE(range.ok());
    EXPECT_EQ(*range, log_.log().RootAt(m)) << m;
  }
  EXPECT_EQ(reader.ConsistencyProof(0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader.EdgeAt(n + 1).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(reader.NodeHash(17, 0).status().code(), absl::StatusCode::kInvalidArgument);
}

// What get-proof-by-hash would give, computed from tiles: the audit path of a tiled log's
// entry in an evidence bundle (SPEC §8), for trees smaller than the published one too.
TEST_F(TileHashesTest, InclusionProofsEqualTheReferenceAuditPathsAtEverySize) {
  // Published at each size in turn, as a log does (a partial tile is removed once its full tile
  // exists): the heads a finding was proven in are older than the log's latest.
  fakes::StaticCtFilesOptions options;
  options.remove_partials_of_full_tiles = true;
  uint64_t pairs = 0;
  for (uint64_t target : {1ull, 7ull, 128ull, 129ull, 257ull, 300ull}) {
    log_.Grow(static_cast<int>(target - pairs));  // A precertificate and its certificate each.
    pairs = target;
    log_.Publish(options);
  }
  for (uint64_t n : {2ull, 14ull, 256ull, 258ull, 514ull, 600ull}) {
    TileHashReader reader(&client_, n);
    for (uint64_t index : {0ull, 1ull, 5ull, 255ull, 256ull, 300ull, 512ull, 599ull}) {
      if (index >= n) continue;
      auto entries = log_.log().GetEntries(index, index, 1);
      ASSERT_TRUE(entries.ok()) << entries.status();
      const Sha256Hash leaf = HashLeaf(entries->front().leaf_input);
      auto reference = log_.log().InclusionProofByHash(leaf, n);
      ASSERT_TRUE(reference.ok()) << reference.status();
      ASSERT_EQ(reference->leaf_index, index);
      auto path = TileInclusionProof(reader, index);
      ASSERT_TRUE(path.ok()) << n << "/" << index << ": " << path.status();
      EXPECT_EQ(*path, reference->audit_path) << n << "/" << index;
      EXPECT_TRUE(VerifyInclusion(leaf, index, n, *path, log_.log().RootAt(n)).ok());
    }
  }
  TileHashReader reader(&client_, 10);
  EXPECT_EQ(TileInclusionProof(reader, 10).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TileHashesTest, AMissingTileIsUnavailableAndAMalformedOneDataLoss) {
  log_.Grow(200);
  log_.Publish();
  TileHashReader reader(&client_, 400);
  std::filesystem::remove(log_.dir() + "/tile/0/001.p/144");
  EXPECT_EQ(reader.NodeHash(0, 300).status().code(), absl::StatusCode::kUnavailable);
  std::ofstream(log_.dir() + "/tile/0/000", std::ios::trunc) << "short";
  EXPECT_EQ(reader.NodeHash(3, 0).status().code(), absl::StatusCode::kDataLoss);
}

class TiledStartStateTest : public TileHashesTest {
 protected:
  // Tails from `state` to the checkpoint; returns how many entries were read.
  uint64_t TailFrom(TailerState state) {
    auto tailer = TiledTailer::Create(log_.Info(kMonitoringUrl), &fetcher_, {}, std::move(state));
    EXPECT_TRUE(tailer.ok()) << tailer.status();
    auto sth = tailer->FetchSth();
    EXPECT_TRUE(sth.ok()) << sth.status();
    uint64_t read = 0;
    while (sth.ok() && tailer->state().position < sth->tree_size) {
      auto batch = tailer->FetchBatch(*sth);
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      EXPECT_NE(batch->verification, LogTailer::Verification::kRootMismatch);
      read += batch->entries.size();
    }
    EXPECT_EQ(tailer->state().verified_size, log_.log().published_size());
    return read;
  }
};

TEST_F(TiledStartStateTest, StartsAtTheEndWithTheCheckpointsTreeAndFollowsGrowth) {
  log_.Grow(300);
  log_.Publish();
  auto state = TiledStartStateAt(log_.Info(kMonitoringUrl), &fetcher_, std::nullopt);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->position, 600u);
  EXPECT_EQ(state->verified_root, log_.log().RootAt(600));
  EXPECT_NE(state->verified_timestamp_ms, 0u);
  log_.Grow(10);
  log_.Publish();
  EXPECT_EQ(TailFrom(*state), 20u);
}

TEST_F(TiledStartStateTest, StartsAtAnIndexInsideAPartialTileAndReadsOnlyWhatFollows) {
  log_.Grow(300);
  log_.Publish();
  auto state = TiledStartStateAt(log_.Info(kMonitoringUrl), &fetcher_, 333);
  ASSERT_TRUE(state.ok()) << state.status();
  EXPECT_EQ(state->position, 333u);
  EXPECT_EQ(state->tree.Root(), log_.log().RootAt(333));
  EXPECT_EQ(TailFrom(*state), 600u - 333u);
  auto zero = TiledStartStateAt(log_.Info(kMonitoringUrl), &fetcher_, 0);
  ASSERT_TRUE(zero.ok());
  EXPECT_EQ(zero->position, 0u);
}

TEST_F(TiledStartStateTest, APositionBeyondTheLogIsInvalidAndTamperedTilesAreDataLoss) {
  log_.Grow(300);
  log_.Publish();
  EXPECT_EQ(TiledStartStateAt(log_.Info(kMonitoringUrl), &fetcher_, 601).status().code(),
            absl::StatusCode::kInvalidArgument);
  // A hash tile that does not lead to the checkpoint's root is refused, not trusted.
  const std::string path = log_.dir() + "/tile/0/001";  // Under the edge at 300.
  std::string bytes;
  {
    std::ifstream in(path, std::ios::binary);
    bytes.assign(std::istreambuf_iterator<char>(in), {});
  }
  bytes[5] ^= 1;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
  EXPECT_EQ(TiledStartStateAt(log_.Info(kMonitoringUrl), &fetcher_, 300).status().code(),
            absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace caawatch::ctlog
