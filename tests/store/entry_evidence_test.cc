// The entry evidence kept with findings over real RocksDB: issuer chains (their DER once in
// `certs`) and malformed entries, committed with the finding and read back after a reopen; a
// store without them (written before they were kept) reads as "none", never as an error.

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "store/store.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::store {
namespace {

using EntryEvidenceTest = StoreFixture;

FindingRecord Certificate(char sha) {
  FindingRecord f;
  f.set_kind("certificate");
  f.set_verdict("permitted");
  f.set_severity("info");
  f.set_cert_sha256(std::string(32, sha));
  f.set_tbs_sha256(std::string(32, static_cast<char>(sha + 1)));
  return f;
}

TEST_F(EntryEvidenceTest, IssuerChainsAndMalformedEntriesSurviveAReopen) {
  const std::string leaf(32, 'a');
  const std::string issuer(32, 'i');
  const std::string root(32, 'r');
  CommitRequest request;
  request.findings = {Certificate('a')};
  request.certificates = {{leaf, "leaf-der"}, {issuer, "issuer-der"}, {root, "root-der"}};
  IssuerChainRecord chain;
  chain.add_issuer_sha256(issuer);
  chain.add_issuer_sha256(root);
  request.issuer_chains = {{leaf, chain}};
  MalformedEntryRecord entry;
  entry.set_leaf_input("leaf-input");
  entry.set_extra_data("extra-data");
  request.malformed_entries = {{std::string(32, 'm'), entry}};
  ASSERT_TRUE(store_->findings().Commit(std::move(request)).ok());

  Reopen();
  absl::StatusOr<std::vector<std::string>> ders = store_->findings().GetIssuerChainDer(leaf);
  ASSERT_TRUE(ders.ok()) << ders.status();
  EXPECT_EQ(*ders, (std::vector<std::string>{"issuer-der", "root-der"}));
  absl::StatusOr<std::optional<MalformedEntryRecord>> got =
      store_->findings().GetMalformedEntry(std::string(32, 'm'));
  ASSERT_TRUE(got.ok()) << got.status();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->leaf_input(), "leaf-input");
  EXPECT_EQ((*got)->extra_data(), "extra-data");
}

TEST_F(EntryEvidenceTest, FindingsStoredWithoutEvidenceReadAsNone) {
  // As an older caawatch committed them: the certificate, no chain, no entry.
  CommitRequest request;
  request.findings = {Certificate('b')};
  request.certificates = {{std::string(32, 'b'), "leaf-der"}};
  ASSERT_TRUE(store_->findings().Commit(std::move(request)).ok());
  Reopen();
  absl::StatusOr<std::vector<std::string>> ders =
      store_->findings().GetIssuerChainDer(std::string(32, 'b'));
  ASSERT_TRUE(ders.ok()) << ders.status();
  EXPECT_TRUE(ders->empty());
  absl::StatusOr<std::optional<MalformedEntryRecord>> got =
      store_->findings().GetMalformedEntry(std::string(32, 'b'));
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_FALSE(got->has_value());
}

TEST_F(EntryEvidenceTest, AChainStopsAtAnIssuerWhoseCertificateIsMissing) {
  const std::string leaf(32, 'c');
  CommitRequest request;
  request.findings = {Certificate('c')};
  request.certificates = {{leaf, "leaf-der"}, {std::string(32, 'j'), "issuer-der"}};
  IssuerChainRecord chain;
  chain.add_issuer_sha256(std::string(32, 'j'));
  chain.add_issuer_sha256(std::string(32, 'x'));  // Never stored.
  chain.add_issuer_sha256(std::string(32, 'j'));
  request.issuer_chains = {{leaf, chain}};
  ASSERT_TRUE(store_->findings().Commit(std::move(request)).ok());
  absl::StatusOr<std::vector<std::string>> ders = store_->findings().GetIssuerChainDer(leaf);
  ASSERT_TRUE(ders.ok()) << ders.status();
  EXPECT_EQ(*ders, std::vector<std::string>{"issuer-der"});
}

}  // namespace
}  // namespace caawatch::store
