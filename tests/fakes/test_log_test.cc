// The test log is itself a reference: its Merkle proofs, signatures and leaf encodings are
// checked here against the RFCs so other tests can trust it.
#include "tests/fakes/test_log.h"

#include <openssl/x509v3.h>

#include <memory>

#include "base/clock.h"
#include "base/hex.h"
#include "ctlog/tls_reader.h"
#include "gtest/gtest.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/reference_merkle.h"
#include "tests/fakes/test_population.h"

namespace caawatch::fakes {
namespace {

using ctlog::Sha256Hash;
constexpr absl::Time kNow = absl::FromUnixSeconds(1795000000);

Sha256Hash LeafHashOf(int i) {
  const std::string input = absl::StrCat("leaf ", i);
  return ReferenceLeafHash(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(input.data()), input.size()));
}

// RFC 9162 §2.1.4.2, independent of the PROOF recursion that produced the proof.
bool VerifyConsistency(uint64_t first, uint64_t second, const Sha256Hash& first_root,
                       const Sha256Hash& second_root, std::vector<Sha256Hash> proof) {
  if (first == second) return proof.empty() && first_root == second_root;
  if ((first & (first - 1)) == 0) proof.insert(proof.begin(), first_root);
  if (proof.empty()) return false;
  uint64_t fn = first - 1, sn = second - 1;
  while (fn & 1) {
    fn >>= 1;
    sn >>= 1;
  }
  Sha256Hash fr = proof[0], sr = proof[0];
  for (size_t i = 1; i < proof.size(); ++i) {
    if (sn == 0) return false;
    if ((fn & 1) || fn == sn) {
      fr = ReferenceNodeHash(proof[i], fr);
      sr = ReferenceNodeHash(proof[i], sr);
      while (!(fn & 1) && fn != 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else {
      sr = ReferenceNodeHash(sr, proof[i]);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return fr == first_root && sr == second_root && sn == 0;
}

class TestLogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto log = TestLog::Create(&clock_, 3);
    ASSERT_TRUE(log.ok()) << log.status();
    log_ = *std::move(log);
    auto chain = MakeCaChain(&factory_, CaBrand::kGoogle, kNow);
    ASSERT_TRUE(chain.ok()) << chain.status();
    chain_ = std::make_unique<CaChain>(*std::move(chain));
  }

  FakeClock clock_{kNow};
  CertificateFactory factory_{11};
  std::unique_ptr<TestLog> log_;
  std::unique_ptr<CaChain> chain_;
};

TEST(ReferenceMerkleTest, EmptyTreeRootIsSha256OfNothing) {
  EXPECT_EQ(HexEncode(ReferenceRoot({})),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(ReferenceMerkleTest, ConsistencyProofsVerifyForEverySizePairUpTo40) {
  std::vector<Sha256Hash> leaves;
  for (int i = 0; i < 40; ++i) leaves.push_back(LeafHashOf(i));
  for (uint64_t n = 1; n <= 40; ++n) {
    const auto d = absl::MakeConstSpan(leaves).subspan(0, n);
    for (uint64_t m = 1; m <= n; ++m) {
      const Sha256Hash old_root = ReferenceRoot(d.subspan(0, m));
      EXPECT_TRUE(
          VerifyConsistency(m, n, old_root, ReferenceRoot(d), ReferenceConsistencyProof(m, d)))
          << m << " -> " << n;
    }
  }
}

TEST(ReferenceMerkleTest, TamperedConsistencyProofFailsToVerify) {
  std::vector<Sha256Hash> leaves;
  for (int i = 0; i < 7; ++i) leaves.push_back(LeafHashOf(i));
  std::vector<Sha256Hash> proof = ReferenceConsistencyProof(3, leaves);
  proof[1][0] ^= 1;
  EXPECT_FALSE(VerifyConsistency(3, 7, ReferenceRoot(absl::MakeConstSpan(leaves).subspan(0, 3)),
                                 ReferenceRoot(leaves), proof));
}

TEST_F(TestLogTest, LogIdIsSha256OfTheKeyAndDependsOnlyOnTheSeed) {
  EXPECT_EQ(log_->log_id(), ctlog::Sha256(absl::MakeConstSpan(log_->public_key_der())));
  auto same = TestLog::Create(&clock_, 3);
  auto other = TestLog::Create(&clock_, 4);
  ASSERT_TRUE(same.ok() && other.ok());
  EXPECT_EQ((*same)->log_id(), log_->log_id());
  EXPECT_NE((*other)->log_id(), log_->log_id());
}

TEST_F(TestLogTest, EntriesStayInvisibleUntilPublished) {
  auto cert = factory_.MakeLeaf(chain_->intermediate, LeafFor("a.example.test", kNow));
  ASSERT_TRUE(cert.ok());
  ASSERT_TRUE(log_->AddX509(*cert, {chain_->intermediate.der}).ok());
  EXPECT_EQ(log_->published_size(), 0u);
  EXPECT_EQ(log_->GetEntries(0, 0, 10).status().code(), absl::StatusCode::kInvalidArgument);
  auto sth = log_->PublishSth();
  ASSERT_TRUE(sth.ok());
  EXPECT_EQ(sth->tree_size, 1u);
  EXPECT_EQ(sth->root_hash, ReferenceLeafHash(log_->GetEntries(0, 0, 10)->at(0).leaf_input));
}

TEST_F(TestLogTest, SthSignatureVerifiesWithTheLogKey) {
  auto sth = log_->PublishSth();
  ASSERT_TRUE(sth.ok());
  ctlog::TlsReader reader(sth->signature);
  uint64_t hash_alg = 0, sig_alg = 0;
  absl::Span<const uint8_t> sig;
  ASSERT_TRUE(reader.ReadUint(1, &hash_alg) && reader.ReadUint(1, &sig_alg) &&
              reader.ReadLengthPrefixed(2, &sig) && reader.empty());
  EXPECT_EQ(hash_alg, 4u);
  EXPECT_EQ(sig_alg, 3u);
  std::vector<uint8_t> signed_data = {0, 1};
  for (int i = 7; i >= 0; --i) signed_data.push_back(uint8_t(sth->timestamp_ms >> (8 * i)));
  for (int i = 7; i >= 0; --i) signed_data.push_back(uint8_t(sth->tree_size >> (8 * i)));
  signed_data.insert(signed_data.end(), sth->root_hash.begin(), sth->root_hash.end());
  const unsigned char* p = log_->public_key_der().data();
  UniqueEvpPkey key(d2i_PUBKEY(nullptr, &p, long(log_->public_key_der().size())));
  UniqueEvpMdCtx md(EVP_MD_CTX_new());
  ASSERT_EQ(EVP_DigestVerifyInit(md.get(), nullptr, EVP_sha256(), nullptr, key.get()), 1);
  EXPECT_EQ(
      EVP_DigestVerify(md.get(), sig.data(), sig.size(), signed_data.data(), signed_data.size()),
      1);
}

TEST_F(TestLogTest, PrecertEntryLinksToTheFinalCertificateByTbs) {
  auto planted = PlantCertificate(log_.get(), &factory_, *chain_, LeafFor("b.example.test", kNow));
  ASSERT_TRUE(planted.ok()) << planted.status();
  ASSERT_TRUE(log_->PublishSth().ok());
  auto entries = log_->GetEntries(0, 1, 10);
  ASSERT_TRUE(entries.ok());
  // MerkleTreeLeaf of the precert entry (RFC 6962 §3.4).
  ctlog::TlsReader leaf((*entries)[planted->precert_index].leaf_input);
  uint64_t version = 9, leaf_type = 9, timestamp = 0, entry_type = 9;
  absl::Span<const uint8_t> key_hash, tbs, extensions;
  ASSERT_TRUE(leaf.ReadUint(1, &version) && leaf.ReadUint(1, &leaf_type) &&
              leaf.ReadUint(8, &timestamp) && leaf.ReadUint(2, &entry_type) &&
              leaf.ReadBytes(32, &key_hash) && leaf.ReadLengthPrefixed(3, &tbs) &&
              leaf.ReadLengthPrefixed(2, &extensions) && leaf.empty());
  EXPECT_EQ(entry_type, 1u);
  EXPECT_EQ(timestamp, uint64_t(absl::ToUnixMillis(kNow)));
  unsigned char* spki = nullptr;
  const int spki_len =
      i2d_X509_PUBKEY(X509_get_X509_PUBKEY(chain_->intermediate.cert.get()), &spki);
  const Sha256Hash issuer_hash = ctlog::Sha256(absl::MakeConstSpan(spki, spki_len));
  OPENSSL_free(spki);
  EXPECT_EQ(std::vector<uint8_t>(key_hash.begin(), key_hash.end()),
            std::vector<uint8_t>(issuer_hash.begin(), issuer_hash.end()));
  // The final certificate (x509 entry's extra_data is the chain; the cert is in leaf_input)
  // minus its SCT list has the same TBS.
  ctlog::TlsReader final_leaf((*entries)[planted->final_index].leaf_input);
  absl::Span<const uint8_t> skip, final_der;
  ASSERT_TRUE(final_leaf.ReadBytes(12, &skip) && final_leaf.ReadLengthPrefixed(3, &final_der));
  UniqueX509 final_cert = ParseCertificate({final_der.begin(), final_der.end()});
  ASSERT_NE(final_cert, nullptr);
  UniqueAsn1Object sct_oid(OBJ_txt2obj(kSctListOid, 1));
  const int index = X509_get_ext_by_OBJ(final_cert.get(), sct_oid.get(), -1);
  ASSERT_GE(index, 0);
  UniqueExtension removed(X509_delete_ext(final_cert.get(), index));
  unsigned char* final_tbs = nullptr;
  const int final_tbs_len = i2d_re_X509_tbs(final_cert.get(), &final_tbs);
  EXPECT_EQ(std::vector<uint8_t>(tbs.begin(), tbs.end()),
            std::vector<uint8_t>(final_tbs, final_tbs + final_tbs_len));
  OPENSSL_free(final_tbs);
}

TEST_F(TestLogTest, PrecertCarriesCriticalPoisonAndChosenNames) {
  auto pair = factory_.MakePrecertPair(chain_->intermediate, LeafFor("c.example.test", kNow));
  ASSERT_TRUE(pair.ok());
  UniqueX509 precert = ParseCertificate(pair->precert_der);
  ASSERT_NE(precert, nullptr);
  UniqueAsn1Object poison(OBJ_txt2obj(kPoisonOid, 1));
  const int index = X509_get_ext_by_OBJ(precert.get(), poison.get(), -1);
  ASSERT_GE(index, 0);
  EXPECT_EQ(X509_EXTENSION_get_critical(X509_get_ext(precert.get(), index)), 1);
  char issuer_o[128] = {};
  X509_NAME_get_text_by_NID(X509_get_issuer_name(precert.get()), NID_organizationName, issuer_o,
                            sizeof(issuer_o));
  EXPECT_STREQ(issuer_o, "Google Trust Services");
  EXPECT_EQ(X509_check_host(precert.get(), "c.example.test", 0, 0, nullptr), 1);
  EXPECT_EQ(X509_verify(precert.get(), chain_->intermediate.key.get()), 1);
}

TEST_F(TestLogTest, ConsistencyProofsAreServedOnlyWithinThePublishedTree) {
  for (int i = 0; i < 5; ++i) {
    auto cert = factory_.MakeLeaf(chain_->intermediate, LeafFor("d.example.test", kNow));
    ASSERT_TRUE(cert.ok());
    ASSERT_TRUE(log_->AddX509(*cert, {}).ok());
  }
  ASSERT_TRUE(log_->PublishSth().ok());
  auto proof = log_->ConsistencyProof(2, 5);
  ASSERT_TRUE(proof.ok());
  EXPECT_TRUE(VerifyConsistency(2, 5, log_->RootAt(2), log_->LatestSth().root_hash, *proof));
  EXPECT_EQ(log_->ConsistencyProof(2, 6).status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace caawatch::fakes
