// Issue 15 through LogWorker: a finding is committed only with the proof that its entry is in
// a signed tree head. When more findings wait for that proof than a worker holds
// (max_held_findings), one consistency proof from what was read to the head proves them before
// the tree reaches the head's size; a forged entry fails it and becomes evidence, not a finding.
#include <string>
#include <vector>

#include "ctlog/merkle.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/monitor/pipeline_fixture.h"

namespace caawatch::tail {
namespace {

class HeldFindingsTest : public monitor::PipelineFixture {
 protected:
  void SetUp() override {
    monitor::PipelineFixture::SetUp();
    Start("shop 60 CAA 0 issue \"letsencrypt.org\"\n", fakes::CaBrand::kLetsEncrypt);
    Poll();
    for (int i = 0; i < kCertificates; ++i) Plant("h" + std::to_string(i) + ".shop.test");
    ASSERT_TRUE(log_->PublishSth().ok());
    // Eight entries a batch (four requests of two): the tree reaches the head only at the
    // third batch, while one finding held is already too many.
    server_->SetBatchCap(2);
    options_.batch_size = 2;
    options_.max_held_findings = 1;
  }

  // The get-entries element of a certificate for `name` that is in no tree of log_.
  ctlog::RawEntry ForgedEntry(const std::string& name) {
    auto scratch = fakes::TestLog::Create(&clock_, 99);
    EXPECT_TRUE(scratch.ok());
    auto cert = factory_.MakeLeaf(chain_.intermediate, fakes::LeafFor(name, clock_.Now()));
    EXPECT_TRUE(cert.ok());
    EXPECT_TRUE((*scratch)->AddX509(*cert, {chain_.intermediate.der, chain_.root.der}).ok());
    EXPECT_TRUE((*scratch)->PublishSth().ok());
    auto entries = (*scratch)->GetEntries(0, 0, 1);
    EXPECT_TRUE(entries.ok());
    return (*entries)[0];
  }

  std::vector<store::FindingRecord> AllFindings() {
    store::FindingQuery all;
    all.limit = 1000;
    auto findings = store_->findings().List(all);
    EXPECT_TRUE(findings.ok()) << findings.status();
    return findings.ok() ? *findings : std::vector<store::FindingRecord>();
  }

  static constexpr int kCertificates = 10;  // 20 entries.
  LogWorkerOptions options_;
  absl::Notification stop_;
};

ctlog::Sha256Hash Hash(const std::string& bytes) {
  ctlog::Sha256Hash h{};
  EXPECT_EQ(bytes.size(), 32u);
  std::copy(bytes.begin(), bytes.begin() + std::min<size_t>(bytes.size(), 32), h.begin());
  return h;
}

TEST_F(HeldFindingsTest, TooManyHeldFindingsAreProvenByAConsistencyProofAndKeepIt) {
  std::unique_ptr<LogWorker> worker = NewWorker(options_);
  ASSERT_NE(worker, nullptr);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());

  const std::vector<store::FindingRecord> findings = AllFindings();
  ASSERT_EQ(findings.size(), static_cast<size_t>(kCertificates));
  const ctlog::SignedTreeHead head = log_->LatestSth();
  int by_consistency = 0;
  for (const store::FindingRecord& f : findings) {
    ASSERT_EQ(f.kind(), "certificate");
    ASSERT_EQ(f.entries_size(), 2) << f.watched_names(0);
    for (const store::EntryRef& e : f.entries()) {
      ASSERT_TRUE(e.has_inclusion()) << f.watched_names(0) << " entry " << e.index();
      const store::InclusionRecord& p = e.inclusion();
      auto raw = log_->GetEntries(e.index(), e.index(), 1);
      ASSERT_TRUE(raw.ok());
      EXPECT_EQ(Hash(p.leaf_hash()), ctlog::HashLeaf((*raw)[0].leaf_input));
      EXPECT_EQ(p.tree_size(), head.tree_size);
      EXPECT_EQ(Hash(p.root_hash()), head.root_hash);
      if (p.method() == "root") continue;
      ASSERT_EQ(p.method(), "consistency");
      ++by_consistency;
      // What is kept proves it: the prefix holds the entry and is consistent with the head.
      EXPECT_LT(e.index(), p.prefix_size());
      std::vector<ctlog::Sha256Hash> nodes, proof;
      for (const std::string& n : p.prefix_nodes()) nodes.push_back(Hash(n));
      for (const std::string& h : p.consistency_proof()) proof.push_back(Hash(h));
      auto prefix = ctlog::CollapsedTree::FromNodes(p.prefix_size(), nodes);
      ASSERT_TRUE(prefix.ok());
      EXPECT_EQ(prefix->Root(), log_->RootAt(p.prefix_size()));
      EXPECT_TRUE(ctlog::VerifyConsistency(p.prefix_size(), head.tree_size, prefix->Root(),
                                           head.root_hash, proof)
                      .ok());
    }
  }
  EXPECT_GT(by_consistency, 0) << "every batch waited for the root";
}

TEST_F(HeldFindingsTest, HeldBytesAreCappedAsWellAsHeldFindings) {
  // No count cap to reach: the bytes of one finding and its certificate are already too many, so
  // entries are proven and committed before the head's root, as with the count.
  options_.max_held_findings = 1'000'000;
  options_.max_held_bytes = 1;
  std::unique_ptr<LogWorker> worker = NewWorker(options_);
  ASSERT_NE(worker, nullptr);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  int by_consistency = 0;
  for (const store::FindingRecord& f : AllFindings()) {
    for (const store::EntryRef& e : f.entries()) {
      ASSERT_TRUE(e.has_inclusion());
      by_consistency += e.inclusion().method() == "consistency";
    }
  }
  EXPECT_GT(by_consistency, 0) << "the byte cap held every finding until the root";
}

TEST_F(HeldFindingsTest, AForgedEntryFailsTheConsistencyProofAndIsEvidenceNotAFinding) {
  server_->ForgeEntry(std::make_pair(uint64_t{2}, ForgedEntry("forged.shop.test")));
  std::unique_ptr<LogWorker> worker = NewWorker(options_);
  ASSERT_NE(worker, nullptr);
  EXPECT_EQ(worker->CatchUp(stop_).code(), absl::StatusCode::kDataLoss);

  std::vector<store::FindingRecord> findings = AllFindings();
  ASSERT_EQ(findings.size(), 1u);
  EXPECT_EQ(findings[0].kind(), "log_misbehaviour");
  const nlohmann::json evidence = nlohmann::json::parse(findings[0].evidence());
  bool named = false;
  for (const nlohmann::json& e : evidence["unproven_entries"]) {
    if (e["index"] == 2) {
      named = true;
      EXPECT_EQ(e["watched_names"][0], "forged.shop.test");
      EXPECT_FALSE(e["failed"].get<std::string>().empty());
    }
  }
  EXPECT_TRUE(named) << evidence.dump();
  auto states = store_->logs().ListStates();
  ASSERT_TRUE(states.ok());
  ASSERT_EQ(states->size(), 1u);
  EXPECT_EQ((*states)[0].position(), 0u) << "the position moved past unproven entries";

  // The honest answer is read again and judged as usual.
  server_->ForgeEntry(std::nullopt);
  ASSERT_TRUE(worker->CatchUp(stop_).ok());
  findings = AllFindings();
  ASSERT_EQ(findings.size(), static_cast<size_t>(kCertificates) + 1);
  for (const store::FindingRecord& f : findings) {
    if (f.kind() == "log_misbehaviour") continue;
    EXPECT_NE(f.watched_names(0), "forged.shop.test");
    for (const store::EntryRef& e : f.entries()) EXPECT_TRUE(e.has_inclusion());
  }
}

}  // namespace
}  // namespace caawatch::tail
