// Merkle code checked against the RFC 6962 recursion, the transparency-dev/merkle vectors and
// real proofs from Google's Argon logs.
#include "ctlog/merkle.h"

#include <filesystem>

#include "absl/strings/str_cat.h"
#include "base/hex.h"
#include "nlohmann/json.hpp"
#include "tests/ctlog/corpus.h"

namespace caawatch::ctlog {
namespace {

using testing::HashFromBase64;
using testing::ReadCorpus;

// REFERENCE: MTH(D[n]) of RFC 6962 §2.1, recursively.
Sha256Hash ReferenceRoot(absl::Span<const Sha256Hash> leaves) {
  if (leaves.empty()) return EmptyRoot();
  if (leaves.size() == 1) return leaves[0];
  size_t k = 1;
  while (k * 2 < leaves.size()) k *= 2;
  return HashChildren(ReferenceRoot(leaves.subspan(0, k)), ReferenceRoot(leaves.subspan(k)));
}

// A hash field that is not 32 base64-decoded bytes is rejected by our parsers before any
// verification: report it as such.
bool Is32Bytes(const nlohmann::json& j) {
  std::string raw;
  return j.is_string() && absl::Base64Unescape(j.get<std::string>(), &raw) && raw.size() == 32;
}

std::vector<Sha256Hash> Hashes(const nlohmann::json& j, bool* well_formed = nullptr) {
  std::vector<Sha256Hash> out;
  if (j.is_array()) {
    for (const auto& h : j) {
      if (well_formed != nullptr && !Is32Bytes(h)) *well_formed = false;
      out.push_back(HashFromBase64(h.get<std::string>()));
    }
  }
  return out;
}

TEST(CollapsedTreeTest, RootMatchesReferenceForEverySizeUpTo130) {
  std::vector<Sha256Hash> leaves;
  CollapsedTree tree;
  EXPECT_EQ(tree.Root(), EmptyRoot());
  for (int i = 0; i < 130; ++i) {
    const std::string input = absl::StrCat("leaf ", i);
    leaves.push_back(HashLeaf(std::vector<uint8_t>(input.begin(), input.end())));
    tree.Append(leaves.back());
    ASSERT_EQ(tree.Root(), ReferenceRoot(leaves)) << "size " << tree.size();
    auto copy = CollapsedTree::FromNodes(tree.size(), tree.nodes());
    ASSERT_TRUE(copy.ok());
    EXPECT_EQ(copy->Root(), tree.Root());
  }
}

TEST(CollapsedTreeTest, FromNodesRejectsANodeCountThatDoesNotFitTheSize) {
  EXPECT_EQ(CollapsedTree::FromNodes(6, {Sha256Hash{}}).status().code(),
            absl::StatusCode::kDataLoss);
  EXPECT_TRUE(CollapsedTree::FromNodes(6, {Sha256Hash{}, Sha256Hash{}}).ok());
}

TEST(MerkleTest, ReferenceTreeRootsMatchTheRfcVectors) {
  const nlohmann::json ref =
      nlohmann::json::parse(ReadCorpus("merkle/rfc6962-reference-tree.json"));
  CollapsedTree tree;
  const auto& roots = ref["root_hashes_hex"];
  ASSERT_EQ(roots.size(), 9u);
  EXPECT_EQ(HexEncode(tree.Root()), roots[0]);
  for (size_t i = 0; i < 8; ++i) {
    auto input = HexDecode(ref["leaf_inputs_hex"][i].get<std::string>());
    ASSERT_TRUE(input.ok());
    EXPECT_EQ(HexEncode(HashLeaf(*input)), ref["leaf_hashes_hex"][i]);
    tree.Append(HashLeaf(*input));
    EXPECT_EQ(HexEncode(tree.Root()), roots[i + 1]) << "size " << i + 1;
  }
}

// Every inclusion and consistency vector: happy paths verify, every wantErr case is rejected.
TEST(MerkleTest, AllTransparencyDevVectorsAgree) {
  int inclusion = 0, consistency = 0;
  for (const char* kind : {"inclusion", "consistency"}) {
    const std::string dir =
        testing::CorpusPath(absl::StrCat("merkle/transparency-dev-merkle/", kind));
    ASSERT_TRUE(std::filesystem::exists(dir)) << dir;
    for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
      if (!file.is_regular_file()) continue;
      const std::string rel =
          std::filesystem::relative(file.path(), testing::CorpusPath("")).string();
      const nlohmann::json v = nlohmann::json::parse(ReadCorpus(rel));
      const bool want_err = v.value("wantErr", false);
      absl::Status status;
      bool well_formed = true;
      if (std::string(kind) == "inclusion") {
        ++inclusion;
        well_formed = Is32Bytes(v["leafHash"]) && Is32Bytes(v["root"]);
        status = VerifyInclusion(HashFromBase64(v["leafHash"].get<std::string>()),
                                 v["leafIdx"].get<uint64_t>(), v["treeSize"].get<uint64_t>(),
                                 Hashes(v["proof"], &well_formed),
                                 HashFromBase64(v["root"].get<std::string>()));
      } else {
        ++consistency;
        // Some vectors use short placeholder roots that only need to compare equal or not:
        // map them to 32 bytes preserving equality.
        auto root = [&v](const char* key) {
          std::string raw;
          absl::Base64Unescape(v[key].get<std::string>(), &raw);
          return raw.size() == 32 ? HashFromBase64(v[key].get<std::string>()) : Sha256(raw);
        };
        status = VerifyConsistency(v["size1"].get<uint64_t>(), v["size2"].get<uint64_t>(),
                                   root("root1"), root("root2"), Hashes(v["proof"], &well_formed));
      }
      if (!well_formed) status = absl::DataLossError("a hash is not 32 bytes");
      EXPECT_EQ(status.ok(), !want_err) << rel << " (" << v.value("desc", "") << "): " << status;
    }
  }
  EXPECT_GE(inclusion, 90);
  EXPECT_GE(consistency, 90);
}

// Subtree inclusion vectors prove a leaf inside the subtree [start, end): the same check as an
// inclusion proof in a tree of end - start leaves. (The subtree-consistency vectors prove a
// subtree against a later tree, an operation RFC 6962 monitoring has no use for.)
TEST(MerkleTest, SubtreeInclusionVectorsAgreeAsSmallerTrees) {
  int count = 0;
  const std::string dir = testing::CorpusPath("merkle/transparency-dev-merkle/subtreeinclusion");
  ASSERT_TRUE(std::filesystem::exists(dir)) << dir;
  for (const auto& file : std::filesystem::recursive_directory_iterator(dir)) {
    if (!file.is_regular_file()) continue;
    const std::string rel =
        std::filesystem::relative(file.path(), testing::CorpusPath("")).string();
    const nlohmann::json v = nlohmann::json::parse(ReadCorpus(rel));
    const uint64_t start = v["start"], end = v["end"], index = v["leafIdx"];
    bool well_formed = Is32Bytes(v["leafHash"]) && Is32Bytes(v["root"]);
    const std::vector<Sha256Hash> proof = Hashes(v["proof"], &well_formed);
    // A subtree must be aligned: start a multiple of the largest power of two >= end - start.
    uint64_t span = 1;
    while (start < end && span != 0 && span < end - start) span <<= 1;
    absl::Status status = absl::DataLossError("malformed vector");
    if (well_formed && start < end && span != 0 && start % span == 0 && index >= start) {
      status = VerifyInclusion(HashFromBase64(v["leafHash"]), index - start, end - start, proof,
                               HashFromBase64(v["root"]));
    }
    ++count;
    EXPECT_EQ(status.ok(), !v.value("wantErr", false)) << rel << ": " << status;
  }
  EXPECT_GE(count, 90);
}

TEST(MerkleTest, RealArgonConsistencyProofVerifies) {
  const auto sth1 =
      nlohmann::json::parse(ReadCorpus("ct/rfc6962-argon2025/argon2025h1-get-sth-1425614114.json"));
  const auto sth2 =
      nlohmann::json::parse(ReadCorpus("ct/rfc6962-argon2025/argon2025h1-get-sth-1425633154.json"));
  const auto proof = nlohmann::json::parse(ReadCorpus(
      "ct/rfc6962-argon2025/argon2025h1-get-sth-consistency-1425614114-1425633154.json"));
  const Sha256Hash root1 = HashFromBase64(sth1["sha256_root_hash"]);
  const Sha256Hash root2 = HashFromBase64(sth2["sha256_root_hash"]);
  const std::vector<Sha256Hash> nodes = Hashes(proof["consistency"]);
  EXPECT_TRUE(VerifyConsistency(sth1["tree_size"], sth2["tree_size"], root1, root2, nodes).ok());
  std::vector<Sha256Hash> tampered = nodes;
  tampered[3][0] ^= 1;
  EXPECT_FALSE(
      VerifyConsistency(sth1["tree_size"], sth2["tree_size"], root1, root2, tampered).ok());
  EXPECT_FALSE(VerifyConsistency(sth1["tree_size"], sth2["tree_size"], root2, root1, nodes).ok());
}

TEST(MerkleTest, RealArgonInclusionProofVerifiesTheLoggedLeaf) {
  const auto sth =
      nlohmann::json::parse(ReadCorpus("ct/rfc6962-argon2025/argon2025h2-get-sth-1329315675.json"));
  const auto proof = nlohmann::json::parse(
      ReadCorpus("ct/rfc6962-argon2025/argon2025h2-get-proof-by-hash-leaf912557348.json"));
  const auto entries = nlohmann::json::parse(
      ReadCorpus("ct/rfc6962-argon2025/argon2025h2-get-entries-precert-google.json"));
  std::string leaf;
  ASSERT_TRUE(absl::Base64Unescape(entries["entries"][0]["leaf_input"].get<std::string>(), &leaf));
  const Sha256Hash leaf_hash = HashLeaf(std::vector<uint8_t>(leaf.begin(), leaf.end()));
  const Sha256Hash root = HashFromBase64(sth["sha256_root_hash"]);
  EXPECT_TRUE(VerifyInclusion(leaf_hash, proof["leaf_index"], sth["tree_size"],
                              Hashes(proof["audit_path"]), root)
                  .ok());
  EXPECT_FALSE(VerifyInclusion(leaf_hash, proof["leaf_index"].get<uint64_t>() + 1, sth["tree_size"],
                               Hashes(proof["audit_path"]), root)
                   .ok());
}

}  // namespace
}  // namespace caawatch::ctlog
