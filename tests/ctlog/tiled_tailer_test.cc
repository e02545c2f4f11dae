// The tiled tailer against a test log published as static-ct-api files (served in-process):
// entries arrive exactly as an RFC 6962 log would serve them, partial tiles are read once per
// checkpoint, tampered tiles and checkpoints are caught, HTTP errors map like RFC 6962's.
#include "ctlog/tiled_tailer.h"

#include <filesystem>
#include <fstream>

#include "absl/strings/match.h"
#include "base/hex.h"
#include "ctlog/log_tailer_factory.h"
#include "ctlog/misbehaviour.h"
#include "ctlog/tailer.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ctlog/static_ct_fixture.h"
#include "tests/fakes/directory_fetcher.h"

namespace caawatch::ctlog {
namespace {

using ::testing::HasSubstr;

constexpr char kMonitoringUrl[] = "https://mon.tiled.caawatch.test/log/";

class TiledTailerTest : public ::testing::Test {
 protected:
  // One data tile per FetchBatch unless told otherwise, so tests can follow tile by tile.
  TiledTailer MakeTailer(TailerState state = {}, size_t max_in_flight = 1) {
    auto tailer = TiledTailer::Create(log_.Info(kMonitoringUrl), &fetcher_, {}, std::move(state),
                                      max_in_flight);
    EXPECT_TRUE(tailer.ok()) << tailer.status();
    return *std::move(tailer);
  }

  // FetchSth, then FetchBatch until the tree head is reached or a root mismatch.
  std::vector<LogTailer::Batch> Drain(LogTailer& tailer) {
    auto sth = tailer.FetchSth();
    EXPECT_TRUE(sth.ok()) << sth.status();
    std::vector<LogTailer::Batch> batches;
    while (sth.ok() && tailer.state().position < sth->tree_size) {
      auto batch = tailer.FetchBatch(*sth);
      EXPECT_TRUE(batch.ok()) << batch.status();
      if (!batch.ok()) break;
      batches.push_back(*std::move(batch));
      if (batches.back().verification == LogTailer::Verification::kRootMismatch) break;
    }
    return batches;
  }

  std::string TilePath(const std::string& path) const { return log_.dir() + "/" + path; }

  testing::StaticCtTestLog log_;
  fakes::DirectoryFetcher fetcher_{kMonitoringUrl, log_.dir()};
};

TEST_F(TiledTailerTest, ServesExactlyTheEntriesAnRfc6962LogWouldAndVerifiesThem) {
  log_.Grow(300);  // 600 entries: tiles 000 and 001 full, 002 partial (88).
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  const std::vector<LogTailer::Batch> batches = Drain(tailer);
  ASSERT_EQ(batches.size(), 3u);
  EXPECT_EQ(batches[0].entries.size(), 256u);
  EXPECT_EQ(batches[1].start, 256u);
  EXPECT_EQ(batches[2].entries.size(), 88u);
  EXPECT_EQ(batches[1].verification, LogTailer::Verification::kPending);
  EXPECT_EQ(batches[2].verification, LogTailer::Verification::kVerified);
  EXPECT_EQ(tailer.state().verified_size, 600u);
  EXPECT_EQ(tailer.state().verified_root, log_.log().RootAt(600));
  const std::vector<RawEntry> expected = log_.PublishedEntries();
  size_t i = 0;
  for (const LogTailer::Batch& batch : batches) {
    for (const RawEntry& e : batch.entries) {
      ASSERT_EQ(e.leaf_input, expected[i].leaf_input) << i;
      ASSERT_EQ(e.extra_data, expected[i].extra_data) << i;
      ++i;
    }
  }
  EXPECT_THAT(tailer.checkpoint_note(), HasSubstr("tiled.caawatch.test/log\n600\n"));
}

TEST_F(TiledTailerTest, SeveralTilesAtOnceJoinInOrderIncludingTheFullTileBehindAGonePartial) {
  log_.Grow(300);  // 600 entries: tiles 000 and 001 full, 002 partial (88).
  log_.Publish();
  TiledTailer tailer = MakeTailer({}, /*max_in_flight=*/3);
  const std::vector<LogTailer::Batch> batches = Drain(tailer);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].entries.size(), 600u);
  EXPECT_EQ(batches[0].verification, LogTailer::Verification::kVerified);
  EXPECT_EQ(fetcher_.requests("tile/data/000"), 1);
  EXPECT_EQ(fetcher_.requests("tile/data/001"), 1);
  EXPECT_EQ(fetcher_.requests("tile/data/002.p/88"), 1);
  const std::vector<RawEntry> expected = log_.PublishedEntries();
  for (size_t i = 0; i < 600; ++i)
    ASSERT_EQ(batches[0].entries[i].leaf_input, expected[i].leaf_input);

  // Grown past tile 002 with its partials deleted, and a checkpoint ending in tile 004.
  log_.Grow(250);
  fakes::StaticCtFilesOptions options;
  options.remove_partials_of_full_tiles = true;
  log_.Publish(options);
  TailerState at_512;  // A tailer that stopped after tile 001 resumes in tile 002.
  {
    TiledTailer first = MakeTailer();
    auto sth = first.FetchSth();
    ASSERT_TRUE(sth.ok());
    ASSERT_TRUE(first.FetchBatch(*sth).ok());
    ASSERT_TRUE(first.FetchBatch(*sth).ok());
    at_512 = first.state();
  }
  TiledTailer resumed = MakeTailer(at_512, 3);
  const std::vector<LogTailer::Batch> rest = Drain(resumed);
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].start, 512u);
  EXPECT_EQ(rest[0].entries.size(), 1100u - 512u);
  EXPECT_EQ(rest[0].verification, LogTailer::Verification::kVerified);
}

TEST_F(TiledTailerTest, ATileThatFailsKeepsTheTilesBeforeItAndIsAskedAgain) {
  log_.Grow(400);  // 800 entries: tiles 000-002 full, 003 partial (32).
  log_.Publish();
  std::filesystem::rename(TilePath("tile/data/001"), TilePath("tile/data/001.away"));
  TiledTailer tailer = MakeTailer({}, 4);
  auto sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok());
  auto batch = tailer.FetchBatch(*sth);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->entries.size(), 256u);  // Tiles 002 and 003 came after the gap.
  EXPECT_TRUE(absl::IsUnavailable(tailer.FetchBatch(*sth).status()));  // 001 first: an error.
  EXPECT_EQ(tailer.state().position, 256u);
  std::filesystem::rename(TilePath("tile/data/001.away"), TilePath("tile/data/001"));
  auto rest = tailer.FetchBatch(*sth);
  ASSERT_TRUE(rest.ok()) << rest.status();
  EXPECT_EQ(rest->start, 256u);
  EXPECT_EQ(rest->entries.size(), 800u - 256u);
  EXPECT_EQ(rest->verification, LogTailer::Verification::kVerified);
}

TEST_F(TiledTailerTest, ReadsAPartialTileOnceForTheCoveredTailAndAgainOnlyWhenTheCheckpointMoves) {
  log_.Grow(300);
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  Drain(tailer);
  EXPECT_EQ(fetcher_.requests("tile/data/002.p/88"), 1);
  const int before = fetcher_.total_requests();
  // Polling an unchanged checkpoint reads the checkpoint only.
  EXPECT_TRUE(Drain(tailer).empty());
  EXPECT_TRUE(Drain(tailer).empty());
  EXPECT_EQ(fetcher_.total_requests(), before + 2);
  // The checkpoint moves inside tile 002: the new partial, from the old end on.
  log_.Grow(5);
  log_.Publish();
  const std::vector<LogTailer::Batch> batches = Drain(tailer);
  ASSERT_EQ(batches.size(), 1u);
  EXPECT_EQ(batches[0].start, 600u);
  EXPECT_EQ(batches[0].entries.size(), 10u);
  EXPECT_EQ(batches[0].verification, LogTailer::Verification::kVerified);
  EXPECT_EQ(fetcher_.requests("tile/data/002.p/98"), 1);
  EXPECT_EQ(fetcher_.requests("tile/data/002.p/88"), 1);
  EXPECT_EQ(fetcher_.requests("tile/data/002"), 0);  // Not covered yet: never asked.
  // Now it covers tile 002 and beyond: the full tile, then the next partial.
  log_.Grow(100);
  log_.Publish();
  const std::vector<LogTailer::Batch> more = Drain(tailer);
  ASSERT_EQ(more.size(), 2u);
  EXPECT_EQ(fetcher_.requests("tile/data/002"), 1);
  EXPECT_EQ(fetcher_.requests("tile/data/003.p/42"), 1);
  EXPECT_EQ(tailer.state().verified_size, 810u);
}

TEST_F(TiledTailerTest, FallsBackToTheFullTileWhenThePartialIsGone) {
  log_.Grow(300);
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  auto sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok()) << sth.status();
  ASSERT_TRUE(tailer.FetchBatch(*sth).ok());
  ASSERT_TRUE(tailer.FetchBatch(*sth).ok());
  // The log grows past tile 002 and deletes its partials before we read the old one.
  log_.Grow(100);
  fakes::StaticCtFilesOptions options;
  options.remove_partials_of_full_tiles = true;
  log_.Publish(options);
  ASSERT_FALSE(std::filesystem::exists(TilePath("tile/data/002.p/88")));
  auto batch = tailer.FetchBatch(*sth);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->entries.size(), 88u);  // Only what the old checkpoint covers.
  EXPECT_EQ(batch->verification, LogTailer::Verification::kVerified);
  EXPECT_EQ(fetcher_.requests("tile/data/002"), 1);
  EXPECT_EQ(tailer.state().verified_size, 600u);
}

TEST_F(TiledTailerTest,
       ATileThatDoesNotMatchTheCheckpointRootIsARootMismatchAndKeepsTheVerifiedState) {
  log_.Grow(150);
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  Drain(tailer);
  ASSERT_EQ(tailer.state().verified_size, 300u);
  log_.Grow(150);
  log_.Publish();
  // Entry 512, beyond the verified 300, is served with its timestamp changed: the tile stays
  // well-formed.
  {
    std::fstream tile(TilePath("tile/data/002.p/88"),
                      std::ios::in | std::ios::out | std::ios::binary);
    tile.seekp(7);
    tile.put('\x55');
  }
  const std::vector<LogTailer::Batch> batches = Drain(tailer);
  ASSERT_FALSE(batches.empty());
  EXPECT_EQ(batches.back().verification, LogTailer::Verification::kRootMismatch);
  EXPECT_NE(batches.back().computed_root, log_.log().RootAt(600));
  EXPECT_EQ(tailer.state().verified_size, 300u);
  EXPECT_EQ(tailer.state().position, 300u);
  EXPECT_EQ(tailer.state().verified_root, log_.log().RootAt(300));
}

Misbehaviour EvidenceOf(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  std::optional<Misbehaviour> m = MisbehaviourOf(status);
  EXPECT_TRUE(m.has_value()) << status;
  return m.value_or(Misbehaviour{});
}

TEST_F(TiledTailerTest, CheckpointsAreAuditedAgainstTheVerifiedTreeWithProofsFromTheHashTiles) {
  fakes::StaticCtFilesOptions options;
  options.origin = "tiled.caawatch.test/log";
  log_.Grow(150);
  log_.Publish();
  auto old_note = fakes::StaticCtCheckpoint(log_.log(), options);
  ASSERT_TRUE(old_note.ok());
  log_.Grow(10);
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  Drain(tailer);
  ASSERT_EQ(tailer.state().verified_size, 320u);
  const uint64_t verified_ms = tailer.state().verified_timestamp_ms;
  auto serve = [&](const std::string& note) {
    std::ofstream(TilePath("checkpoint"), std::ios::trunc) << note;
  };
  // Correctly signed, smaller and older than what was verified: a stale copy, proven a prefix.
  serve(*old_note);
  EXPECT_TRUE(tailer.FetchSth().ok());
  // Smaller, but signed after the verified head: the log went back.
  auto shrunk = log_.log().SignTreeHead(300, verified_ms + 1000, log_.log().RootAt(300));
  ASSERT_TRUE(shrunk.ok());
  serve(fakes::SignedCheckpointNote(log_.log(), *shrunk, options));
  Misbehaviour m = EvidenceOf(tailer.FetchSth().status());
  EXPECT_EQ(m.kind, MisbehaviourKind::kShrank);
  EXPECT_THAT(m.checkpoint_note, HasSubstr("\n300\n"));
  // Older and smaller, but not a prefix of the verified tree.
  auto other = log_.log().SignTreeHead(300, 1, log_.log().RootAt(299));
  ASSERT_TRUE(other.ok());
  serve(fakes::SignedCheckpointNote(log_.log(), *other, options));
  EXPECT_EQ(EvidenceOf(tailer.FetchSth().status()).kind, MisbehaviourKind::kInconsistent);
  // Correctly signed, the verified size, another root.
  auto forked = log_.log().SignTreeHead(320, verified_ms, log_.log().RootAt(319));
  ASSERT_TRUE(forked.ok());
  serve(fakes::SignedCheckpointNote(log_.log(), *forked, options));
  m = EvidenceOf(tailer.FetchSth().status());
  EXPECT_EQ(m.kind, MisbehaviourKind::kFork);
  EXPECT_THAT(m.message, HasSubstr("fork"));
  serve("garbage");
  EXPECT_EQ(tailer.FetchSth().status().code(), absl::StatusCode::kDataLoss);
  auto current = fakes::StaticCtCheckpoint(log_.log(), options);
  ASSERT_TRUE(current.ok());
  std::string tampered = *current;
  tampered[tampered.find("\n320\n") + 3] = '1';  // Claims 321 under the signature of 320.
  serve(tampered);
  EXPECT_EQ(EvidenceOf(tailer.FetchSth().status()).kind, MisbehaviourKind::kBadSignature);
  serve(*current);
  EXPECT_TRUE(tailer.FetchSth().ok());
  EXPECT_EQ(tailer.state().verified_size, 320u);
  // The log grows: the new checkpoint is proven consistent from the hash tiles...
  log_.Grow(100);
  log_.Publish();
  const int hash_tiles_before = fetcher_.requests("tile/0/001");
  EXPECT_TRUE(tailer.FetchSth().ok());
  EXPECT_GT(fetcher_.requests("tile/0/001"), hash_tiles_before);
  // ...and a larger checkpoint whose root the tiles do not lead to is inconsistent.
  auto bigger = log_.log().SignTreeHead(520, verified_ms + 5000, log_.log().RootAt(519));
  ASSERT_TRUE(bigger.ok());
  serve(fakes::SignedCheckpointNote(log_.log(), *bigger, options));
  m = EvidenceOf(tailer.FetchSth().status());
  EXPECT_EQ(m.kind, MisbehaviourKind::kInconsistent);
  EXPECT_EQ(m.against->tree_size, 320u);
  EXPECT_FALSE(m.proof.empty());
}

TEST_F(TiledTailerTest, IssuersAreFetchedOnceAndMustHashToTheirFingerprint) {
  log_.Grow(200);
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  Drain(tailer);
  std::vector<std::string> issuers;
  for (const auto& f : std::filesystem::directory_iterator(log_.dir() + "/issuer")) {
    issuers.push_back(f.path().filename().string());
  }
  ASSERT_EQ(issuers.size(), 2u);  // Intermediate and root.
  for (const std::string& hex : issuers) EXPECT_EQ(fetcher_.requests("issuer/" + hex), 1);
  // A log serving another certificate under a fingerprint.
  std::ofstream(TilePath("issuer/" + issuers[0]), std::ios::trunc) << "not the issuer";
  TiledTailer fresh = MakeTailer();
  auto sth = fresh.FetchSth();
  ASSERT_TRUE(sth.ok());
  auto batch = fresh.FetchBatch(*sth);
  EXPECT_EQ(batch.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(batch.status().message(), HasSubstr("another SHA-256"));
  EXPECT_EQ(fresh.state().position, 0u);
}

TEST_F(TiledTailerTest, HttpErrorsAreUnavailableWithRetryAfterAndMissingTilesAreRetried) {
  log_.Grow(10);
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  fetcher_.FailNext(429);
  auto sth = tailer.FetchSth();
  EXPECT_EQ(sth.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(sth.status().message(), HasSubstr("Retry-After 7s"));
  sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok()) << sth.status();
  fetcher_.FailNext(500);
  EXPECT_EQ(tailer.FetchBatch(*sth).status().code(), absl::StatusCode::kUnavailable);
  std::filesystem::remove(TilePath("tile/data/000.p/20"));
  EXPECT_EQ(tailer.FetchBatch(*sth).status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(tailer.state().position, 0u);
  log_.Publish();
  auto batch = tailer.FetchBatch(*sth);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->verification, LogTailer::Verification::kVerified);
}

TEST_F(TiledTailerTest, FetchBatchAtTheTreeSizeIsInvalidAndACorruptStateIsRefused) {
  log_.Grow(1);
  log_.Publish();
  TiledTailer tailer = MakeTailer();
  Drain(tailer);
  auto sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok());
  EXPECT_EQ(tailer.FetchBatch(*sth).status().code(), absl::StatusCode::kInvalidArgument);
  TailerState corrupt;
  corrupt.position = 5;
  EXPECT_EQ(TiledTailer::Create(log_.Info(kMonitoringUrl), &fetcher_, {}, corrupt).status().code(),
            absl::StatusCode::kInvalidArgument);
  LogInfo no_origin = log_.Info(kMonitoringUrl);
  no_origin.submission_url.clear();
  EXPECT_EQ(TiledTailer::Create(no_origin, &fetcher_, {}, {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(TiledTailerTest, TheFactoryPicksTheTailerByKindAndResumesFromAnotherTailersState) {
  log_.Grow(200);
  log_.Publish();
  LogTailerOptions one_tile;
  one_tile.max_in_flight = 1;
  auto tiled = CreateLogTailer(log_.Info(kMonitoringUrl), &fetcher_, one_tile, {});
  ASSERT_TRUE(tiled.ok()) << tiled.status();
  EXPECT_NE(dynamic_cast<TiledTailer*>(tiled->get()), nullptr);
  auto sth = (*tiled)->FetchSth();
  ASSERT_TRUE(sth.ok());
  ASSERT_TRUE((*tiled)->FetchBatch(*sth).ok());
  // A saved state carries over to a new tailer of the same log.
  auto resumed = CreateLogTailer(log_.Info(kMonitoringUrl), &fetcher_, one_tile, (*tiled)->state());
  ASSERT_TRUE(resumed.ok());
  const std::vector<LogTailer::Batch> rest = Drain(**resumed);
  ASSERT_FALSE(rest.empty());
  EXPECT_EQ(rest.front().start, 256u);
  EXPECT_EQ(rest.back().verification, LogTailer::Verification::kVerified);
  LogInfo rfc6962 = log_.Info("https://ct.example/");
  rfc6962.kind = LogKind::kRfc6962;
  auto classic = CreateLogTailer(rfc6962, &fetcher_, {}, {});
  ASSERT_TRUE(classic.ok()) << classic.status();
  EXPECT_EQ(dynamic_cast<TiledTailer*>(classic->get()), nullptr);
}

}  // namespace
}  // namespace caawatch::ctlog
