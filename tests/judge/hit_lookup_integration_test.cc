// The CAA lookups of a batch's watchlist hits through the pipeline (real Knot, libunbound,
// RocksDB, test log over HTTP): a batch with many hits asks all their names in one concurrent
// round, before any of them is judged, so catching up on a busy watched domain is not one DNS
// round trip (or one timeout) after another.
#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"
#include "names/domain_name.h"
#include "tests/monitor/pipeline_fixture.h"

namespace caawatch::judge {
namespace {

// Passes every call to the real resolver and keeps a record of them.
class RecordingResolver final : public caa::CaaResolver {
 public:
  explicit RecordingResolver(std::unique_ptr<caa::CaaResolver> real) : real_(std::move(real)) {}

  caa::CaaAnswer Lookup(const names::DomainName& qname) override {
    {
      absl::MutexLock lock(&mu_);
      single_.push_back(qname.str());
    }
    return real_->Lookup(qname);
  }
  std::vector<caa::CaaAnswer> LookupMany(absl::Span<const names::DomainName> qnames,
                                         const std::function<bool()>& cancelled) override {
    {
      absl::MutexLock lock(&mu_);
      std::vector<std::string>& round = rounds_.emplace_back();
      for (const names::DomainName& q : qnames) round.push_back(q.str());
    }
    return real_->LookupMany(qnames, cancelled);
  }

  std::vector<std::string> single() const {
    absl::MutexLock lock(&mu_);
    return single_;
  }
  std::vector<std::vector<std::string>> rounds() const {
    absl::MutexLock lock(&mu_);
    return rounds_;
  }

 private:
  std::unique_ptr<caa::CaaResolver> real_;
  mutable absl::Mutex mu_;
  std::vector<std::string> single_ ABSL_GUARDED_BY(mu_);
  std::vector<std::vector<std::string>> rounds_ ABSL_GUARDED_BY(mu_);
};

class HitLookupIntegrationTest : public monitor::PipelineFixture {
 protected:
  std::unique_ptr<caa::CaaResolver> WrapResolver(std::unique_ptr<caa::CaaResolver> real) override {
    auto recording = std::make_unique<RecordingResolver>(std::move(real));
    recording_ = recording.get();
    return recording;
  }
  RecordingResolver* recording_ = nullptr;
};

TEST_F(HitLookupIntegrationTest, ABatchWithManyHitsAsksAllTheirNamesInOneRoundBeforeJudging) {
  constexpr int kHits = 40;
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n"
            "h7.shop 60 CAA 0 issue \"letsencrypt.org\"\n",
            fakes::CaBrand::kLetsEncrypt));
  for (int i = 0; i < kHits; ++i) Plant(absl::StrCat("h", i, ".shop.test"));
  clock_.Advance(absl::Seconds(10));
  Ingest();

  EXPECT_TRUE(recording_->single().empty()) << "a hit's names were asked one at a time";
  const std::vector<std::vector<std::string>> rounds = recording_->rounds();
  ASSERT_EQ(rounds.size(), 1u);
  std::vector<std::string> asked = rounds[0];
  std::sort(asked.begin(), asked.end());
  std::vector<std::string> want = {"shop.test", "test"};
  for (int i = 0; i < kHits; ++i) want.push_back(absl::StrCat("h", i, ".shop.test"));
  std::sort(want.begin(), want.end());
  EXPECT_EQ(asked, want);  // Each name once, the shared parents too.

  // Judged against what that round recorded: looked up 10 s after issuance, so no_data with
  // the retrospective evaluation (SPEC §2), which permits h7 and forbids the others.
  for (const auto& [name, retrospective] :
       std::vector<std::pair<std::string, std::string>>{{"h7.shop.test", "permitted"},
                                                        {"h8.shop.test", "forbidden"},
                                                        {"h39.shop.test", "forbidden"}}) {
    const store::FindingRecord f = FindingFor(name);
    EXPECT_EQ(f.verdict(), "no_data") << name;
    ASSERT_EQ(f.caa_size(), 1) << name;
    EXPECT_EQ(f.caa(0).retrospective_verdict(), retrospective) << name;
  }
  EXPECT_EQ(proxy_->Queries("shop.test").udp, 1);
  EXPECT_EQ(proxy_->Queries("h8.shop.test").udp, 1);
}

// A DNS server that has stopped answering costs the batch one timeout, not one per hit; every
// hit is still judged and stored, with the timeout recorded as its evidence.
TEST_F(HitLookupIntegrationTest, UnansweredLookupsOfManyHitsTimeOutTogether) {
  constexpr int kHits = 30;
  caa::ResolverOptions options;
  options.timeout = absl::Milliseconds(400);
  options.retries = 0;
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"letsencrypt.org\"\n", fakes::CaBrand::kLetsEncrypt, options));
  for (int i = 0; i < kHits; ++i) {
    const std::string name = absl::StrCat("h", i, ".shop.test");
    proxy_->SetFault(name, fakes::DnsFault::kDrop);
    Plant(name);
  }
  clock_.Advance(absl::Seconds(10));
  Ingest();
  ASSERT_EQ(recording_->rounds().size(), 1u);
  EXPECT_TRUE(recording_->single().empty());
  for (int i = 0; i < kHits; ++i) {
    const std::string name = absl::StrCat("h", i, ".shop.test");
    const store::FindingRecord f = FindingFor(name);
    EXPECT_EQ(f.verdict(), "no_data") << name;  // Looked up after issuance, and unanswered.
    EXPECT_NE(f.reason().find("timeout"), std::string::npos) << f.reason();
    auto history =
        store_->caa_history().Observations(name, absl::InfinitePast(), absl::InfiniteFuture());
    ASSERT_TRUE(history.ok() && history->size() == 1) << name;
    EXPECT_EQ(history->front().outcome(), "timeout") << name;
  }
}

}  // namespace
}  // namespace caawatch::judge
