// `--start-at TIME`: the bisection over entry timestamps lands on the boundary the README defines,
// on one test log read both as RFC 6962 (get-entries over HTTP) and as static-ct-api data tiles,
// with timestamps that repeat and go backwards, and reads O(log n) entries or tiles, counted on
// the server's and the fetcher's side.
#include "ctlog/time_bisect.h"

#include <cmath>
#include <memory>
#include <vector>

#include "ctlog/http_log_client.h"
#include "ctlog/log_key.h"
#include "gtest/gtest.h"
#include "tests/ctlog/static_ct_fixture.h"
#include "tests/fakes/directory_fetcher.h"
#include "tests/fakes/test_log_server.h"

namespace caawatch::ctlog {
namespace {

constexpr char kMonitoringUrl[] = "https://mon.tiled.caawatch.test/log/";
constexpr int kPairs = 640;  // 1,280 entries: data tiles 000-004.
const absl::Time kBase = absl::FromUnixSeconds(1795000000);

// Pair k (two entries with one timestamp) is stamped 10 s after pair k-1, except that every
// fourth pair is stamped 15 s before the one after its predecessor: 0, 10, 20, 15, 40, ...
absl::Duration PairOffset(int k) { return absl::Seconds(10 * k - (k % 4 == 3 ? 15 : 0)); }
uint64_t Ms(absl::Duration offset) { return absl::ToUnixMillis(kBase + offset); }

class TimeBisectTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int k = 0; k < kPairs; ++k) {
      log_.clock().Set(kBase + PairOffset(k));
      ASSERT_NO_FATAL_FAILURE(log_.Grow(1));
    }
    fakes::StaticCtFilesOptions options;
    options.remove_partials_of_full_tiles = true;
    log_.Publish(options);
    size_ = log_.log().published_size();
    ASSERT_EQ(size_, 2u * kPairs);
  }
  uint64_t TimestampOf(uint64_t index) { return Ms(PairOffset(static_cast<int>(index / 2))); }

  testing::StaticCtTestLog log_;
  uint64_t size_ = 0;
};

// ceil(log2(n + 1)): the most steps a bisection over n entries takes.
int MaxSteps(uint64_t n) { return static_cast<int>(std::ceil(std::log2(n + 1.0))); }

TEST_F(TimeBisectTest, Rfc6962LandsOnTheFirstEntryAtOrAfterTheTimeInLogNRequests) {
  auto server = fakes::TestLogServer::Start(&log_.log());
  ASSERT_TRUE(server.ok()) << server.status();
  auto fetcher = CurlHttpFetcher::Create();
  ASSERT_TRUE(fetcher.ok());
  HttpLogClient client(fetcher->get(), (*server)->url());
  struct Case {
    absl::Duration offset;
    uint64_t want;
  };
  // Pair 40 is at 400 s, 41 at 410 s, 42 at 420 s, 43 at 415 s (out of order), 44 at 440 s.
  for (const Case& c :
       {Case{absl::Seconds(401), 82}, Case{absl::Seconds(410), 82}, Case{absl::Seconds(409), 82},
        Case{absl::Seconds(-1), 0}, Case{absl::ZeroDuration(), 0}, Case{absl::Seconds(1), 2},
        Case{absl::Seconds(10 * kPairs), size_},
        Case{absl::Seconds(10 * (kPairs - 3)), size_ - 6}}) {
    const uint64_t before = (*server)->requests_served();
    auto found = FindTimeBoundary(client, size_, Ms(c.offset));
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->position, c.want) << c.offset;
    const uint64_t served = (*server)->requests_served() - before;
    EXPECT_EQ(served, static_cast<uint64_t>(found->requests));
    EXPECT_LE(served, static_cast<uint64_t>(MaxSteps(size_))) << c.offset;
    EXPECT_GE(served, 10u) << "a bisection of 1,280 entries reads about 11";
  }
}

TEST_F(TimeBisectTest, TiledLandsOnTheSameEntryReadingEachOfLogNTilesOnce) {
  fakes::DirectoryFetcher fetcher(kMonitoringUrl, log_.dir());
  TiledLogClient client(&fetcher, kMonitoringUrl);
  const int tiles = static_cast<int>((size_ + kTileWidth - 1) / kTileWidth);
  for (const auto& [offset, want] :
       std::vector<std::pair<absl::Duration, uint64_t>>{{absl::Seconds(401), 82},
                                                        {absl::Seconds(2000), 400},
                                                        {absl::Seconds(2555), 512},
                                                        {absl::Seconds(-5), 0},
                                                        {absl::Seconds(10 * kPairs), size_}}) {
    const int before = fetcher.total_requests();
    auto found = FindTiledTimeBoundary(client, size_, Ms(offset));
    ASSERT_TRUE(found.ok()) << found.status();
    EXPECT_EQ(found->position, want) << offset;
    const int read = fetcher.total_requests() - before;
    EXPECT_EQ(read, found->requests);
    // Five tiles: at most ceil(log2(5)) + 1 reads, each tile once.
    EXPECT_LE(read, static_cast<int>(std::ceil(std::log2(tiles))) + 1) << offset;
    EXPECT_GE(read, 1);
  }
}

// Where timestamps go backwards around the time, several positions fit the definition; the one
// found must be such a boundary: the entry before it earlier than the time, it at or after.
TEST_F(TimeBisectTest, OutOfOrderEntriesAroundTheTimeGiveABoundaryOfTheDefinition) {
  fakes::DirectoryFetcher fetcher(kMonitoringUrl, log_.dir());
  TiledLogClient client(&fetcher, kMonitoringUrl);
  for (int s = 400; s < 460; ++s) {
    const uint64_t t = Ms(absl::Seconds(s));
    auto found = FindTiledTimeBoundary(client, size_, t);
    ASSERT_TRUE(found.ok()) << found.status();
    const uint64_t b = found->position;
    if (b > 0) {
      EXPECT_LT(TimestampOf(b - 1), t) << s;
    }
    if (b < size_) {
      EXPECT_GE(TimestampOf(b), t) << s;
    }
  }
}

TEST_F(TimeBisectTest, FindLogTimeBoundaryVerifiesTheHeadFirstForEitherKind) {
  fakes::DirectoryFetcher fetcher(kMonitoringUrl, log_.dir());
  auto tiled = FindLogTimeBoundary(log_.Info(kMonitoringUrl), &fetcher, Ms(absl::Seconds(401)));
  ASSERT_TRUE(tiled.ok()) << tiled.status();
  EXPECT_EQ(tiled->position, 82u);
  auto server = fakes::TestLogServer::Start(&log_.log());
  ASSERT_TRUE(server.ok()) << server.status();
  auto http = CurlHttpFetcher::Create();
  ASSERT_TRUE(http.ok());
  LogInfo info = log_.Info(kMonitoringUrl);
  info.kind = LogKind::kRfc6962;
  info.url = (*server)->url();
  auto rfc = FindLogTimeBoundary(info, http->get(), Ms(absl::Seconds(401)));
  ASSERT_TRUE(rfc.ok()) << rfc.status();
  EXPECT_EQ(rfc->position, 82u);
  // A head signed by another key is not bisected.
  auto other = fakes::TestLog::Create(&log_.clock(), /*seed=*/5);
  ASSERT_TRUE(other.ok());
  info.key_der = (*other)->public_key_der();
  EXPECT_EQ(FindLogTimeBoundary(info, http->get(), 0).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace caawatch::ctlog
