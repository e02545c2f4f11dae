// The tailing step against an in-memory log with a real Merkle tree and really signed tree
// heads: short batches, wrong roots, bad signatures, shrinking trees, forks and resumption.
#include "ctlog/tailer.h"

#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/x509.h>

#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/status_macros.h"
#include "ctlog/misbehaviour.h"
#include "ctlog/sth.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/reference_merkle.h"

namespace caawatch::ctlog {
namespace {

using ::testing::ElementsAre;
using ::testing::Pair;

// A log in memory: entries, a P-256 key, signed STHs, and switches for misbehaviour.
class MemoryLog final : public LogClient {
 public:
  MemoryLog() {
    EVP_PKEY_CTX* ctx = EVP_PKEY_CTX_new_id(EVP_PKEY_EC, nullptr);
    EVP_PKEY_keygen_init(ctx);
    EVP_PKEY_CTX_set_ec_paramgen_curve_nid(ctx, NID_X9_62_prime256v1);
    EVP_PKEY_keygen(ctx, &key_);
    EVP_PKEY_CTX_free(ctx);
    unsigned char* der = nullptr;
    const int len = i2d_PUBKEY(key_, &der);
    info_.key_der.assign(der, der + len);
    OPENSSL_free(der);
    info_.log_id = Sha256(info_.key_der);
    info_.description = "memory log";
  }
  ~MemoryLog() override { EVP_PKEY_free(key_); }

  void Add(int n) {
    for (int i = 0; i < n; ++i) {
      const std::string leaf = absl::StrCat("entry ", entries_.size());
      entries_.push_back(RawEntry{{leaf.begin(), leaf.end()}, {}});
    }
  }
  // A head over the first `size` entries, timestamped by default as if signed when it had them.
  SignedTreeHead Sign(uint64_t size, uint64_t timestamp_ms = 0) {
    CollapsedTree tree;
    signed_leaves_.clear();  // Consistency proofs come from the tree the log last signed.
    for (const RawEntry& e : entries_) signed_leaves_.push_back(HashLeaf(e.leaf_input));
    for (uint64_t i = 0; i < size; ++i) tree.Append(signed_leaves_[i]);
    SignedTreeHead sth;
    sth.tree_size = size;
    sth.timestamp_ms = timestamp_ms != 0 ? timestamp_ms : 1700000000000 + size;
    sth.root_hash = tree.Root();
    const std::vector<uint8_t> input = TreeHeadSignatureInput(sth);
    EVP_MD_CTX* md = EVP_MD_CTX_new();
    size_t sig_len = 0;
    EVP_DigestSignInit(md, nullptr, EVP_sha256(), nullptr, key_);
    EVP_DigestSign(md, nullptr, &sig_len, input.data(), input.size());
    std::vector<uint8_t> sig(sig_len);
    EVP_DigestSign(md, sig.data(), &sig_len, input.data(), input.size());
    EVP_MD_CTX_free(md);
    sig.resize(sig_len);
    sth.signature = {4, 3, static_cast<uint8_t>(sig_len >> 8), static_cast<uint8_t>(sig_len)};
    sth.signature.insert(sth.signature.end(), sig.begin(), sig.end());
    return sth;
  }

  absl::StatusOr<SignedTreeHead> GetSth() override { return next_sth_; }
  absl::StatusOr<std::vector<RawEntry>> GetEntries(uint64_t start, uint64_t end) override {
    ++get_entries_calls_;
    asked_.emplace_back(start, end);
    if (fail_once_at_ && *fail_once_at_ == start) {
      fail_once_at_.reset();
      return absl::UnavailableError("503");
    }
    if (start >= entries_.size()) return std::vector<RawEntry>{};
    end = std::min({end, start + batch_cap_ - 1, static_cast<uint64_t>(entries_.size()) - 1});
    return std::vector<RawEntry>(entries_.begin() + start, entries_.begin() + end + 1);
  }
  absl::StatusOr<std::vector<Sha256Hash>> GetConsistencyProof(uint64_t first,
                                                              uint64_t second) override {
    ++consistency_calls_;
    return fakes::ReferenceConsistencyProof(first,
                                            absl::MakeConstSpan(signed_leaves_).subspan(0, second));
  }
  absl::StatusOr<InclusionProof> GetProofByHash(const Sha256Hash&, uint64_t) override {
    return absl::UnimplementedError("not needed");
  }

  LogInfo info_;
  SignedTreeHead next_sth_;
  std::vector<RawEntry> entries_;
  uint64_t batch_cap_ = 1000;
  std::optional<uint64_t> fail_once_at_;  // get-entries starting there fails once.
  std::vector<std::pair<uint64_t, uint64_t>> asked_;
  int get_entries_calls_ = 0;
  int consistency_calls_ = 0;
  std::vector<Sha256Hash> signed_leaves_;

 private:
  EVP_PKEY* key_ = nullptr;
};

Tailer MakeTailer(MemoryLog& log, TailerState state = {}, uint64_t max_batch = 1000,
                  size_t max_in_flight = 4) {
  auto t =
      Tailer::Create(log.info_, &log, TailerOptions{max_batch, max_in_flight}, std::move(state));
  EXPECT_TRUE(t.ok()) << t.status();
  return std::move(*t);
}

// Runs the tailer up to the current STH; returns the number of entries seen.
uint64_t Drain(Tailer& tailer, Tailer::Verification* last) {
  auto sth = tailer.FetchSth();
  EXPECT_TRUE(sth.ok()) << sth.status();
  uint64_t seen = 0;
  while (tailer.state().position < sth->tree_size) {
    auto batch = tailer.FetchBatch(*sth);
    EXPECT_TRUE(batch.ok()) << batch.status();
    seen += batch->entries.size();
    *last = batch->verification;
    if (batch->verification == Tailer::Verification::kRootMismatch) break;
  }
  return seen;
}

TEST(TailerTest, ReadsALogThatReturnsShortBatchesCompletelyAndVerifiesIt) {
  MemoryLog log;
  log.Add(1000);
  log.batch_cap_ = 37;
  log.next_sth_ = log.Sign(1000);
  Tailer tailer = MakeTailer(log);
  Tailer::Verification last;
  EXPECT_EQ(Drain(tailer, &last), 1000u);
  EXPECT_EQ(last, Tailer::Verification::kVerified);
  EXPECT_EQ(tailer.state().verified_size, 1000u);
  EXPECT_EQ(log.get_entries_calls_, 28);  // ceil(1000 / 37): no refetching.
}

TEST(TailerTest, EntriesThatDoNotHashToTheSignedRootRewindToTheVerifiedTree) {
  MemoryLog log;
  log.Add(10);
  log.next_sth_ = log.Sign(10);
  Tailer tailer = MakeTailer(log);
  Tailer::Verification last;
  Drain(tailer, &last);
  log.Add(10);
  log.next_sth_ = log.Sign(20);
  log.entries_[15].leaf_input[0] ^= 1;  // The log serves an entry other than the one it signed.
  EXPECT_EQ(Drain(tailer, &last), 10u);
  EXPECT_EQ(last, Tailer::Verification::kRootMismatch);
  EXPECT_EQ(tailer.state().position, 10u);
  EXPECT_EQ(tailer.state().verified_size, 10u);
}

// The misbehaviour evidence `status` carries; fails the test when there is none.
Misbehaviour EvidenceOf(const absl::Status& status) {
  EXPECT_EQ(status.code(), absl::StatusCode::kDataLoss) << status;
  std::optional<Misbehaviour> m = MisbehaviourOf(status);
  EXPECT_TRUE(m.has_value()) << status;
  return m.value_or(Misbehaviour{});
}

// A tailer that verified the first 8 entries of `log` (signed at ...008).
Tailer VerifiedAt8(MemoryLog& log) {
  log.Add(8);
  log.next_sth_ = log.Sign(8);
  Tailer tailer = MakeTailer(log);
  Tailer::Verification last;
  Drain(tailer, &last);
  EXPECT_EQ(tailer.state().verified_size, 8u);
  EXPECT_EQ(tailer.state().verified_timestamp_ms, 1700000000008u);
  return tailer;
}

TEST(TailerTest, ABadSignatureIsEvidenceCarryingTheHeadAsServed) {
  MemoryLog log;
  Tailer tailer = VerifiedAt8(log);
  SignedTreeHead bad = log.Sign(8);
  bad.signature.back() ^= 1;
  log.next_sth_ = bad;
  const Misbehaviour m = EvidenceOf(tailer.FetchSth().status());
  EXPECT_EQ(m.kind, MisbehaviourKind::kBadSignature);
  EXPECT_EQ(m.head.signature, bad.signature);
  // The evidence survives Annotate, which the layers above add.
  EXPECT_TRUE(MisbehaviourOf(Annotate(tailer.FetchSth().status(), "log x")).has_value());
}

TEST(TailerTest, ALargerConsistentHeadIsCheckedWithAConsistencyProofAndAccepted) {
  MemoryLog log;
  Tailer tailer = VerifiedAt8(log);
  log.Add(5);
  log.next_sth_ = log.Sign(13);
  EXPECT_TRUE(tailer.FetchSth().ok());
  EXPECT_EQ(log.consistency_calls_, 1);
}

TEST(TailerTest, ALargerHeadOfAnotherHistoryIsInconsistentWithTheProofAsEvidence) {
  MemoryLog log;
  Tailer tailer = VerifiedAt8(log);
  log.entries_[2].leaf_input[0] ^= 1;  // The log rewrote history, then grew.
  log.Add(5);
  log.next_sth_ = log.Sign(13);
  const Misbehaviour m = EvidenceOf(tailer.FetchSth().status());
  EXPECT_EQ(m.kind, MisbehaviourKind::kInconsistent);
  EXPECT_EQ(m.head.tree_size, 13u);
  ASSERT_TRUE(m.against.has_value());
  EXPECT_EQ(m.against->tree_size, 8u);
  EXPECT_EQ(m.against->root_hash, tailer.state().verified_root);
  EXPECT_FALSE(m.proof.empty());
  EXPECT_EQ(tailer.state().verified_size, 8u);  // Nothing advanced.
}

TEST(TailerTest, AnOlderSmallerHeadIsProvenAPrefixAndIsNotMisbehaviour) {
  MemoryLog log;
  Tailer tailer = VerifiedAt8(log);
  log.next_sth_ = log.Sign(5);  // Signed before the head of 8: a stale cached copy.
  EXPECT_TRUE(tailer.FetchSth().ok());
  EXPECT_EQ(log.consistency_calls_, 1);
  log.entries_[2].leaf_input[0] ^= 1;
  log.next_sth_ = log.Sign(5);  // An older head of another history: a fork below our size.
  EXPECT_EQ(EvidenceOf(tailer.FetchSth().status()).kind, MisbehaviourKind::kInconsistent);
}

TEST(TailerTest, ASmallerHeadSignedAfterTheVerifiedOneIsAShrinkingTree) {
  MemoryLog log;
  Tailer tailer = VerifiedAt8(log);
  log.next_sth_ = log.Sign(5, 1700000000100);
  const Misbehaviour m = EvidenceOf(tailer.FetchSth().status());
  EXPECT_EQ(m.kind, MisbehaviourKind::kShrank);
  EXPECT_NE(m.message.find("shrank"), std::string::npos);
  log.Add(4);
  log.next_sth_ = log.Sign(12, 1700000000001);  // Larger, but signed before the head of 8.
  EXPECT_EQ(EvidenceOf(tailer.FetchSth().status()).kind, MisbehaviourKind::kShrank);
}

TEST(TailerTest, AnotherRootAtTheVerifiedSizeIsAFork) {
  MemoryLog log;
  Tailer tailer = VerifiedAt8(log);
  log.entries_[2].leaf_input[0] ^= 1;  // A different tree of the same size, properly signed.
  log.next_sth_ = log.Sign(8);
  const absl::Status fork = tailer.FetchSth().status();
  EXPECT_NE(fork.message().find("fork"), absl::string_view::npos);
  const Misbehaviour m = EvidenceOf(fork);
  EXPECT_EQ(m.kind, MisbehaviourKind::kFork);
  EXPECT_EQ(m.head.root_hash, log.next_sth_.root_hash);
  EXPECT_EQ(m.against->root_hash, tailer.state().verified_root);
  // The same event twice has one dedupe key; another event another.
  EXPECT_EQ(MisbehaviourDedupeKey(m),
            MisbehaviourDedupeKey(EvidenceOf(tailer.FetchSth().status())));
  log.entries_[3].leaf_input[0] ^= 1;
  log.next_sth_ = log.Sign(8);
  EXPECT_NE(MisbehaviourDedupeKey(m),
            MisbehaviourDedupeKey(EvidenceOf(tailer.FetchSth().status())));
}

TEST(TailerTest, AuditChecksAHeadSeenEarlierAgainstTheNewVerifiedHead) {
  MemoryLog log;
  Tailer tailer = VerifiedAt8(log);
  log.Add(4);
  const SignedTreeHead seen_at_12 = log.Sign(12);
  log.Add(4);
  log.next_sth_ = log.Sign(16);
  Tailer::Verification last;
  Drain(tailer, &last);
  ASSERT_EQ(tailer.state().verified_size, 16u);
  EXPECT_TRUE(tailer.Audit(seen_at_12).ok());
  SignedTreeHead forged = seen_at_12;
  forged.root_hash[0] ^= 1;
  forged.signature = log.Sign(8).signature;
  EXPECT_EQ(EvidenceOf(tailer.Audit(forged)).kind, MisbehaviourKind::kBadSignature);
}

TEST(TailerTest, ResumesFromASavedStateAndKeepsVerifying) {
  MemoryLog log;
  log.Add(300);
  log.next_sth_ = log.Sign(300);
  Tailer first = MakeTailer(log, {}, 100, /*max_in_flight=*/1);
  auto sth = first.FetchSth();
  ASSERT_TRUE(sth.ok());
  ASSERT_TRUE(first.FetchBatch(*sth).ok());  // Stops after one batch, like a crash.
  const TailerState& saved = first.state();
  TailerState restored;
  restored.position = saved.position;
  restored.tree = *CollapsedTree::FromNodes(saved.position, saved.tree.nodes());
  Tailer second = MakeTailer(log, restored, 100);
  Tailer::Verification last;
  EXPECT_EQ(Drain(second, &last), 200u);
  EXPECT_EQ(last, Tailer::Verification::kVerified);
}

TEST(TailerTest, SeveralConsecutiveRangesAreAskedAtOnceAndJoinedInOrder) {
  MemoryLog log;
  log.Add(1000);
  log.next_sth_ = log.Sign(1000);
  Tailer tailer = MakeTailer(log, {}, 100, 4);
  auto sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok());
  auto batch = tailer.FetchBatch(*sth);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_THAT(log.asked_, ElementsAre(Pair(0, 99), Pair(100, 199), Pair(200, 299), Pair(300, 399)));
  ASSERT_EQ(batch->entries.size(), 400u);
  for (size_t i = 0; i < 400; ++i)
    EXPECT_EQ(batch->entries[i].leaf_input, log.entries_[i].leaf_input);
  Tailer::Verification last;
  EXPECT_EQ(Drain(tailer, &last), 600u);
  EXPECT_EQ(last, Tailer::Verification::kVerified);
}

TEST(TailerTest, AFailedRangeKeepsTheEntriesBeforeItAndIsAskedAgain) {
  MemoryLog log;
  log.Add(1000);
  log.next_sth_ = log.Sign(1000);
  log.fail_once_at_ = 200;
  Tailer tailer = MakeTailer(log, {}, 100, 4);
  auto sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok());
  auto batch = tailer.FetchBatch(*sth);
  ASSERT_TRUE(batch.ok()) << batch.status();
  EXPECT_EQ(batch->entries.size(), 200u);  // [300, 399] came after the gap: dropped.
  EXPECT_EQ(tailer.state().position, 200u);
  Tailer::Verification last;
  EXPECT_EQ(Drain(tailer, &last), 800u);
  EXPECT_EQ(last, Tailer::Verification::kVerified);
  EXPECT_THAT(log.asked_[4], Pair(200, 299));
}

TEST(TailerTest, TheFirstRangeFailingFailsTheBatchAndMovesNothing) {
  MemoryLog log;
  log.Add(300);
  log.next_sth_ = log.Sign(300);
  log.fail_once_at_ = 0;
  Tailer tailer = MakeTailer(log, {}, 100, 4);
  auto sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok());
  EXPECT_TRUE(absl::IsUnavailable(tailer.FetchBatch(*sth).status()));
  EXPECT_EQ(tailer.state().position, 0u);
}

TEST(TailerTest, ALogsBatchCapShapesTheLaterRequests) {
  MemoryLog log;
  log.Add(1000);
  log.batch_cap_ = 64;
  log.next_sth_ = log.Sign(1000);
  Tailer tailer = MakeTailer(log, {}, 100, 4);
  auto sth = tailer.FetchSth();
  ASSERT_TRUE(sth.ok());
  auto first = tailer.FetchBatch(*sth);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(first->entries.size(), 64u);  // The rest started at the wrong place.
  log.asked_.clear();
  auto second = tailer.FetchBatch(*sth);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->entries.size(), 256u);
  EXPECT_THAT(log.asked_,
              ElementsAre(Pair(64, 127), Pair(128, 191), Pair(192, 255), Pair(256, 319)));
}

TEST(TailerTest, ALogReturningNothingOrTooMuchIsDataLoss) {
  MemoryLog log;
  log.Add(5);
  log.next_sth_ = log.Sign(5);
  log.next_sth_.tree_size = 5;
  Tailer tailer = MakeTailer(log);
  log.entries_.clear();  // Serves nothing although it signed 5 entries.
  auto sth = log.next_sth_;
  EXPECT_EQ(tailer.FetchBatch(sth).status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace caawatch::ctlog
