// Tile paths per tlog-tiles, and the real Navigli2025h2 data tiles: every leaf hashes to the
// log's own level-0 hash tile, the tree roots match, and every entry decodes through the RFC
// 6962 leaf decoder as a Let's Encrypt staging precertificate. Damaged tiles are errors.
#include "ctlog/tile.h"

#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "ctlog/leaf.h"
#include "ctlog/merkle.h"
#include "ctlog/pem.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/ctlog/corpus.h"

namespace caawatch::ctlog {
namespace {

using testing::Bytes;
using testing::ReadCorpus;

constexpr char kNavigli[] = "tiles/navigli2025h2/";

std::vector<uint8_t> ReadTile(const std::string& path) {
  return Bytes(ReadCorpus(std::string(kNavigli) + path));
}

// Every certificate under the staging folder, by SHA-256 fingerprint.
std::map<Sha256Hash, std::vector<uint8_t>> StagingIssuers() {
  std::map<Sha256Hash, std::vector<uint8_t>> issuers;
  const std::string dir = testing::CorpusPath("x509/letsencrypt/staging");
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file() || file.path().extension() != ".pem") continue;
    const std::string relative =
        std::filesystem::relative(file.path(), testing::CorpusPath("")).string();
    for (std::vector<uint8_t>& der : PemCertificates(ReadCorpus(relative))) {
      issuers.emplace(Sha256(der), std::move(der));
    }
  }
  return issuers;
}

TEST(TilePathTest, IndexesAreWrittenInGroupsOfThreeDigits) {
  EXPECT_EQ(TileIndexPath(0), "000");
  EXPECT_EQ(TileIndexPath(67), "067");
  EXPECT_EQ(TileIndexPath(1000), "x001/000");
  EXPECT_EQ(TileIndexPath(1234067), "x001/x234/067");
  EXPECT_EQ(TileIndexPath(18446744073709551615u), "x018/x446/x744/x073/x709/x551/615");
  EXPECT_EQ(HashTilePath(0, 1234067, 256), "tile/0/x001/x234/067");
  EXPECT_EQ(HashTilePath(2, 3, 10), "tile/2/003.p/10");
  EXPECT_EQ(DataTilePath(3, 10), "tile/data/003.p/10");
  EXPECT_EQ(DataTilePath(273, 256), "tile/data/273");
}

TEST(TileTest, NavigliLeafHashesMatchTheLevelZeroHashTiles) {
  CollapsedTree tree;
  for (int n = 0; n < 4; ++n) {
    SCOPED_TRACE(n);
    const std::vector<uint8_t> tile_bytes = ReadTile(DataTilePath(n, 256));
    auto leaves = ParseDataTile(tile_bytes, 256);
    ASSERT_TRUE(leaves.ok()) << leaves.status();
    auto hashes = ParseHashTile(ReadTile(HashTilePath(0, n, 256)), 256);
    ASSERT_TRUE(hashes.ok()) << hashes.status();
    for (size_t i = 0; i < 256; ++i) {
      const Sha256Hash leaf_hash = HashLeaf(TileLeafMerkleTreeLeaf((*leaves)[i]));
      ASSERT_EQ(leaf_hash, (*hashes)[i]) << "entry " << n * 256 + i;
      tree.Append(leaf_hash);
    }
  }
  const auto info =
      nlohmann::json::parse(ReadCorpus(std::string(kNavigli) + "navigli2025h2-info.json"));
  EXPECT_EQ(tree.size(), 1024u);
  EXPECT_EQ(tree.Root(),
            testing::HashFromBase64(info["computed_roots"]["1024"].get<std::string>()));
}

TEST(TileTest, NavigliPartialTileIsThePrefixOfTheFullOneAndGivesTheRootOf778) {
  const std::vector<uint8_t> partial_bytes = ReadTile(DataTilePath(3, 10));
  auto partial = ParseDataTile(partial_bytes, 10);
  ASSERT_TRUE(partial.ok()) << partial.status();
  const std::vector<uint8_t> full_bytes = ReadTile(DataTilePath(3, 256));
  auto full = ParseDataTile(full_bytes, 256);
  ASSERT_TRUE(full.ok()) << full.status();
  auto partial_hashes = ParseHashTile(ReadTile(HashTilePath(0, 3, 10)), 10);
  ASSERT_TRUE(partial_hashes.ok()) << partial_hashes.status();
  CollapsedTree tree;
  for (int n = 0; n < 3; ++n) {
    auto hashes = ParseHashTile(ReadTile(HashTilePath(0, n, 256)), 256);
    ASSERT_TRUE(hashes.ok());
    for (const Sha256Hash& h : *hashes) tree.Append(h);
  }
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ((*partial)[i].timestamped_entry, (*full)[i].timestamped_entry);
    const Sha256Hash leaf_hash = HashLeaf(TileLeafMerkleTreeLeaf((*partial)[i]));
    EXPECT_EQ(leaf_hash, (*partial_hashes)[i]);
    tree.Append(leaf_hash);
  }
  const auto info =
      nlohmann::json::parse(ReadCorpus(std::string(kNavigli) + "navigli2025h2-info.json"));
  EXPECT_EQ(tree.Root(), testing::HashFromBase64(info["computed_roots"]["778"].get<std::string>()));
}

TEST(TileTest, NavigliEntriesDecodeAsStagingPrecertificatesThroughTheRfc6962Decoder) {
  const std::map<Sha256Hash, std::vector<uint8_t>> issuers = StagingIssuers();
  ASSERT_FALSE(issuers.empty());
  size_t decoded = 0;
  for (int n = 0; n < 4; ++n) {
    const std::vector<uint8_t> tile_bytes = ReadTile(DataTilePath(n, 256));
    auto leaves = ParseDataTile(tile_bytes, 256);
    ASSERT_TRUE(leaves.ok()) << leaves.status();
    for (size_t i = 0; i < leaves->size(); ++i) {
      const uint64_t index = n * 256 + i;
      SCOPED_TRACE(index);
      const TileLeaf& leaf = (*leaves)[i];
      EXPECT_EQ(leaf.type, EntryType::kPrecert);
      ASSERT_EQ(leaf.chain.size(), 2u);
      std::vector<absl::Span<const uint8_t>> chain;
      for (const Sha256Hash& fingerprint : leaf.chain) {
        auto it = issuers.find(fingerprint);
        ASSERT_NE(it, issuers.end());
        chain.emplace_back(it->second);
      }
      auto raw = TileLeafToRawEntry(leaf, chain);
      ASSERT_TRUE(raw.ok()) << raw.status();
      auto entry = DecodeLogEntry(index, *raw);
      ASSERT_TRUE(entry.ok()) << entry.status();
      EXPECT_EQ(entry->decode_error, "");
      EXPECT_EQ(entry->type, EntryType::kPrecert);
      EXPECT_EQ(entry->timestamp_ms, leaf.timestamp_ms);
      EXPECT_TRUE(entry->identity.is_precertificate);
      EXPECT_FALSE(entry->identity.dns_names.empty());
      EXPECT_EQ(entry->certificate_der, leaf.pre_certificate);
      ASSERT_TRUE(entry->issuer.has_value());
      EXPECT_TRUE(absl::StrContains(entry->issuer->subject_dn, "(STAGING)"))
          << entry->issuer->subject_dn;
      ++decoded;
    }
  }
  EXPECT_EQ(decoded, 1024u);
}

TEST(TileTest, TruncatedGarbageAndMiscountedTilesAreDataLoss) {
  const std::vector<uint8_t> tile = ReadTile(DataTilePath(0, 256));
  EXPECT_EQ(ParseDataTile(tile, 255).status().code(), absl::StatusCode::kDataLoss);
  std::vector<uint8_t> longer = tile;
  longer.push_back(0);
  EXPECT_EQ(ParseDataTile(longer, 256).status().code(), absl::StatusCode::kDataLoss);
  for (size_t cut : {size_t{0}, size_t{1}, size_t{9}, size_t{100}, tile.size() / 2,
                     tile.size() - 33, tile.size() - 1}) {
    SCOPED_TRACE(cut);
    const std::vector<uint8_t> truncated(tile.begin(), tile.begin() + cut);
    EXPECT_EQ(ParseDataTile(truncated, 256).status().code(), absl::StatusCode::kDataLoss);
  }
  std::mt19937 random(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<uint8_t> garbage = tile;
    for (int k = 0; k < 8; ++k) garbage[random() % garbage.size()] = random() & 0xff;
    (void)ParseDataTile(garbage, 256);  // Any answer but a crash.
  }
  EXPECT_EQ(ParseDataTile(tile, 0).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ParseHashTile(std::vector<uint8_t>(32 * 10 - 1), 10).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_EQ(ParseHashTile(std::vector<uint8_t>(32 * 257), 257).status().code(),
            absl::StatusCode::kDataLoss);
}

TEST(TileTest, DataTileLeavesStayValidWhenTheTileIsMovedOrTruncated) {
  const std::string bytes = ReadCorpus(std::string(kNavigli) + DataTilePath(3, 256));
  auto parsed = DataTile::Parse(bytes, 256);
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  DataTile tile = *std::move(parsed);
  tile.Truncate(10);
  const std::vector<uint8_t> copy = ReadTile(DataTilePath(3, 256));
  auto want = ParseDataTile(copy, 256);
  ASSERT_TRUE(want.ok()) << want.status();
  ASSERT_EQ(tile.leaves().size(), 10u);
  for (size_t i = 0; i < 10; ++i) {
    EXPECT_EQ(tile.leaves()[i].timestamped_entry, (*want)[i].timestamped_entry);
    EXPECT_EQ(tile.leaves()[i].pre_certificate, (*want)[i].pre_certificate);
    EXPECT_EQ(tile.leaves()[i].chain, (*want)[i].chain);
  }
  EXPECT_EQ(DataTile::Parse(bytes, 255).status().code(), absl::StatusCode::kDataLoss);
}

TEST(TileTest, IssuerCountMustMatchTheChain) {
  const std::vector<uint8_t> tile_bytes = ReadTile(DataTilePath(3, 10));
  auto leaves = ParseDataTile(tile_bytes, 10);
  ASSERT_TRUE(leaves.ok());
  EXPECT_EQ(TileLeafToRawEntry((*leaves)[0], {}).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace caawatch::ctlog
