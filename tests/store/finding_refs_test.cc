// The findings' references (store/finding_refs.h), written with every finding: the pruners ask
// them instead of reading every finding, so they must answer exactly what the findings say —
// a span of a name is used when any evaluation window of that name (widened to the observations
// it cites) overlaps it, whatever the order of the windows, and a neighbouring name is not.
#include "store/finding_refs.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "store/keys.h"
#include "store/store.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::store {
namespace {

constexpr int64_t kT0 = 1'780'000'000'000;

CaaNameRecord Evaluation(const std::string& name, const std::string& relevant, int64_t start,
                         int64_t end) {
  CaaNameRecord caa;
  caa.set_name(name);
  caa.set_relevant_name(relevant);
  caa.set_window_start_ms(kT0 + start);
  caa.set_window_end_ms(kT0 + end);
  return caa;
}

class FindingRefsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(dir_.string());
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void Commit(FindingRecord f) {
    CommitRequest request;
    request.findings.push_back(std::move(f));
    ASSERT_TRUE(store_->findings().Commit(std::move(request)).ok());
  }
  bool Used(const std::string& name, int64_t first, int64_t last) {
    absl::StatusOr<bool> used =
        CaaSpanReferenced(store_->database(), name, kT0 + first, kT0 + last);
    EXPECT_TRUE(used.ok()) << used.status();
    return used.value_or(false);
  }
  static FindingRecord Certificate(char tbs) {
    FindingRecord f;
    f.set_kind("certificate");
    f.set_verdict("allowed");
    f.set_severity("info");
    f.set_tbs_sha256(std::string(32, tbs));
    return f;
  }

  TempDir dir_{"finding_refs_test"};
  std::unique_ptr<Store> store_;
};

TEST_F(FindingRefsTest, ASpanIsUsedWhenAnyWindowOfItsNameOverlapsIt) {
  FindingRecord a = Certificate('a');
  // A long window and, in another evaluation, a short one inside it: sorted by their ends, the
  // short one comes first, and a span after it is still inside the long one.
  *a.add_caa() = Evaluation("www.example.com", "example.com", 0, 100);
  Commit(a);
  FindingRecord b = Certificate('b');
  *b.add_caa() = Evaluation("shop.example.com", "example.com", 50, 60);
  Commit(b);

  EXPECT_TRUE(Used("example.com", 70, 80));    // Only the long window covers it.
  EXPECT_TRUE(Used("example.com", 55, 58));    // Both do.
  EXPECT_TRUE(Used("example.com", -50, 0));    // Touching the start.
  EXPECT_TRUE(Used("example.com", 100, 130));  // Touching the end.
  EXPECT_FALSE(Used("example.com", 101, 200));
  EXPECT_FALSE(Used("example.com", -50, -1));
  EXPECT_TRUE(Used("www.example.com", 10, 20));  // The name itself.
  EXPECT_FALSE(Used("shop.example.com", 70, 80));
  EXPECT_TRUE(Used("shop.example.com", 59, 70));
  EXPECT_FALSE(Used("example.co", 10, 20));    // A prefix of the name is another name.
  EXPECT_FALSE(Used("example.comm", 10, 20));  // So is a longer one.
}

TEST_F(FindingRefsTest, CitedObservationsWidenTheWindowAndSupersededEvaluationsCount) {
  FindingRecord f = Certificate('c');
  CaaNameRecord* caa = f.add_caa();
  *caa = Evaluation("www.example.net", "example.net", 1000, 1010);
  CaaObservationRecord* cited = caa->add_observations();
  cited->set_query_name("_cname-target.example.org");
  cited->set_first_seen_ms(kT0 + 2000);
  cited->set_last_seen_ms(kT0 + 3000);
  FindingRevisionRecord* old = f.add_history();
  *old->add_caa() = Evaluation("www.example.net", "example.net", 5000, 6000);
  Commit(f);
  EXPECT_TRUE(Used("_cname-target.example.org", 2500, 2600));
  EXPECT_TRUE(Used("example.net", 1500, 1600));  // Widened to the cited observation's span.
  EXPECT_TRUE(Used("example.net", 5500, 5600));  // The superseded evaluation.
  EXPECT_FALSE(Used("example.net", 4000, 4500));
}

TEST_F(FindingRefsTest, AnEntrysInclusionHeadIsReferencedAndAnotherIsNot) {
  FindingRecord f = Certificate('d');
  EntryRef* entry = f.add_entries();
  entry->set_log_id(std::string(32, 'L'));
  entry->set_index(5);
  entry->mutable_inclusion()->set_tree_size(100);
  entry->mutable_inclusion()->set_root_hash(std::string(32, 'R'));
  Commit(f);
  const auto referenced = [&](uint64_t size, char root) {
    absl::StatusOr<bool> r = HeadReferenced(
        store_->database(), TreeHeadKey(std::string(32, 'L'), size, std::string(32, root)));
    EXPECT_TRUE(r.ok()) << r.status();
    return r.value_or(false);
  };
  EXPECT_TRUE(referenced(100, 'R'));
  EXPECT_FALSE(referenced(100, 'S'));
  EXPECT_FALSE(referenced(101, 'R'));
}

}  // namespace
}  // namespace caawatch::store
