// The static-ct-api client against the test log's files: hash tiles of every level agree with
// the Merkle tree, statuses map to the codes callers react to, and bodies and the issuer
// cache stay within their bounds.
#include "ctlog/tiled_log_client.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <optional>

#include "base/hex.h"
#include "ctlog/merkle.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/ctlog/static_ct_fixture.h"
#include "tests/fakes/directory_fetcher.h"

namespace caawatch::ctlog {
namespace {

using ::testing::HasSubstr;

constexpr char kPrefix[] = "https://mon.tiled.caawatch.test/log/";

class TiledLogClientTest : public ::testing::Test {
 protected:
  void SetUp() override {
    log_.Grow(300);  // 600 entries.
    log_.Publish();
  }
  // The fingerprints of the issuers the log serves, from the names of its issuer/ files.
  std::vector<Sha256Hash> IssuerFingerprints() const {
    std::vector<Sha256Hash> fingerprints;
    for (const auto& file : std::filesystem::directory_iterator(log_.dir() + "/issuer")) {
      auto bytes = HexDecode(file.path().filename().string());
      EXPECT_TRUE(bytes.ok() && bytes->size() == 32) << file.path();
      if (!bytes.ok() || bytes->size() != 32) continue;
      Sha256Hash h;
      std::copy(bytes->begin(), bytes->end(), h.begin());
      fingerprints.push_back(h);
    }
    return fingerprints;
  }
  testing::StaticCtTestLog log_;
  fakes::DirectoryFetcher fetcher_{kPrefix, log_.dir()};
  TiledLogClient client_{&fetcher_, "https://mon.tiled.caawatch.test/log"};
};

TEST_F(TiledLogClientTest, HashTilesOfEveryLevelAgreeWithTheTree) {
  const std::vector<RawEntry> entries = log_.PublishedEntries();
  std::vector<Sha256Hash> level0;
  for (uint64_t n = 0; n < 3; ++n) {
    auto tile = client_.GetHashTile(0, n, n < 2 ? 256 : 88);
    ASSERT_TRUE(tile.ok()) << tile.status();
    level0.insert(level0.end(), tile->begin(), tile->end());
  }
  ASSERT_EQ(level0.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) EXPECT_EQ(level0[i], HashLeaf(entries[i].leaf_input));
  // Level 1 holds the roots of the two complete 256-leaf subtrees; it stays partial.
  auto level1 = client_.GetHashTile(1, 0, 2);
  ASSERT_TRUE(level1.ok()) << level1.status();
  EXPECT_EQ((*level1)[0], log_.log().RootAt(256));
  EXPECT_EQ(HashChildren((*level1)[0], (*level1)[1]), log_.log().RootAt(512));
  EXPECT_EQ(client_.GetHashTile(1, 0, 256).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(client_.GetHashTile(2, 0, 1).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TiledLogClientTest, StatusesMapToTheCodesCallersReactTo) {
  fetcher_.FailNext(503);
  absl::Status status = client_.GetCheckpoint().status();
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("Retry-After 7s"));
  EXPECT_EQ(client_.last_retry_after(), absl::Seconds(7));
  fetcher_.FailNext(403);
  EXPECT_EQ(client_.GetDataTile(0, 256).status().code(), absl::StatusCode::kInvalidArgument);
  fetcher_.FailNext(302);
  EXPECT_EQ(client_.GetDataTile(0, 256).status().code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(client_.GetDataTile(9, 256).status().code(), absl::StatusCode::kNotFound);
  EXPECT_FALSE(client_.last_retry_after().has_value());
  // A tile of another width than asked is the log's fault.
  std::filesystem::copy_file(log_.dir() + "/tile/data/002.p/88",
                             log_.dir() + "/tile/data/002.p/87");
  EXPECT_EQ(client_.GetDataTile(2, 87).status().code(), absl::StatusCode::kDataLoss);
  auto ok = client_.GetDataTile(2, 88);
  ASSERT_TRUE(ok.ok()) << ok.status();
  EXPECT_EQ(ok->leaves().size(), 88u);
}

TEST_F(TiledLogClientTest, OversizedBodiesAreRefused) {
  std::ofstream(log_.dir() + "/checkpoint", std::ios::trunc) << std::string(100000, 'a');
  EXPECT_EQ(client_.GetCheckpoint().status().code(), absl::StatusCode::kDataLoss);
  TiledLogClientOptions small;
  small.max_data_tile_bytes = 1000;
  TiledLogClient client(&fetcher_, kPrefix, small);
  auto tile = client.GetDataTile(0, 256);
  EXPECT_EQ(tile.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(tile.status().message(), HasSubstr("too large"));
}

TEST_F(TiledLogClientTest, IssuersAreCachedWithinTheBoundAndCheckedAgainstTheirFingerprint) {
  const std::vector<Sha256Hash> fingerprints = IssuerFingerprints();
  ASSERT_EQ(fingerprints.size(), 2u);
  TiledLogClientOptions one;
  one.issuer_cache_entries = 1;
  TiledLogClient client(&fetcher_, kPrefix, one);
  const std::string path0 = "issuer/" + HexEncode(fingerprints[0]);
  for (int i = 0; i < 3; ++i) {
    auto issuer = client.GetIssuer(fingerprints[0]);
    ASSERT_TRUE(issuer.ok()) << issuer.status();
    EXPECT_EQ(Sha256(**issuer), fingerprints[0]);
  }
  EXPECT_EQ(fetcher_.requests(path0), 1);
  ASSERT_TRUE(client.GetIssuer(fingerprints[1]).ok());  // Evicts the first.
  ASSERT_TRUE(client.GetIssuer(fingerprints[0]).ok());
  EXPECT_EQ(fetcher_.requests(path0), 2);
  Sha256Hash unknown{};
  EXPECT_EQ(client.GetIssuer(unknown).status().code(), absl::StatusCode::kNotFound);
  std::filesystem::copy_file(log_.dir() + "/" + path0,
                             log_.dir() + "/issuer/" + HexEncode(unknown));
  auto wrong = client.GetIssuer(unknown);
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kDataLoss);
}

// What a monitor's store does for the client: keeps issuers across restarts.
class MemoryIssuerStore final : public IssuerCertificateCache {
 public:
  std::optional<std::vector<uint8_t>> Find(const Sha256Hash& fingerprint) override {
    auto it = kept_.find(fingerprint);
    if (it == kept_.end()) return std::nullopt;
    return it->second;
  }
  void Keep(const Sha256Hash& fingerprint, const std::vector<uint8_t>& der) override {
    kept_[fingerprint] = der;
  }
  std::map<Sha256Hash, std::vector<uint8_t>> kept_;
};

TEST_F(TiledLogClientTest, AnIssuerKeptAcrossRestartsIsFetchedOnceAndCheckedWhenFound) {
  const std::vector<Sha256Hash> fingerprints = IssuerFingerprints();
  ASSERT_FALSE(fingerprints.empty());
  const std::string path = "issuer/" + HexEncode(fingerprints[0]);
  MemoryIssuerStore store;
  TiledLogClientOptions options;
  options.issuer_store = &store;
  {
    TiledLogClient before_restart(&fetcher_, kPrefix, options);
    ASSERT_TRUE(before_restart.GetIssuer(fingerprints[0]).ok());
  }
  ASSERT_EQ(store.kept_.count(fingerprints[0]), 1u);
  TiledLogClient after_restart(&fetcher_, kPrefix, options);
  auto issuer = after_restart.GetIssuer(fingerprints[0]);
  ASSERT_TRUE(issuer.ok()) << issuer.status();
  EXPECT_EQ(Sha256(**issuer), fingerprints[0]);
  EXPECT_EQ(fetcher_.requests(path), 1);
  // A damaged copy in the store is not believed: fetched again, and kept again.
  store.kept_[fingerprints[0]][10] ^= 1;
  TiledLogClient with_damage(&fetcher_, kPrefix, options);
  ASSERT_TRUE(with_damage.GetIssuer(fingerprints[0]).ok());
  EXPECT_EQ(fetcher_.requests(path), 2);
  EXPECT_EQ(Sha256(store.kept_[fingerprints[0]]), fingerprints[0]);
}

}  // namespace
}  // namespace caawatch::ctlog
