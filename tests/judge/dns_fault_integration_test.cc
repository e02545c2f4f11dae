// Lookup failures and the RFC 8659 search through the monitor pipeline (caa-rules.md §2.1, §2.9):
// a SERVFAIL or timeout, injected by the DNS fault proxy in front of Knot, at a name the search
// must reach makes the finding dns_indeterminate (never permitted, never forbidden); a failure
// at a name the search never reaches changes nothing.
#include <string>

#include "gtest/gtest.h"
#include "tests/monitor/pipeline_fixture.h"

namespace caawatch::judge {
namespace {

class DnsFaultIntegrationTest : public monitor::PipelineFixture {
 protected:
  // The lookup of the certificate name's path as it arrives, then the certificate, logged and
  // processed within seconds (the path is not asked again): judged by what that lookup saw.
  store::FindingRecord IssueAfterLookup(const std::string& name) {
    EXPECT_TRUE(observer_->ObservePath(Name(name)).ok());
    clock_.Advance(absl::Seconds(10));
    Plant(name);
    clock_.Advance(absl::Seconds(10));
    Ingest();
    return FindingFor(name);
  }

  std::string FirstOutcome(const std::string& query_name) {
    auto history = store_->caa_history().Observations(query_name, absl::InfinitePast(),
                                                      absl::InfiniteFuture());
    EXPECT_TRUE(history.ok() && !history->empty()) << query_name;
    return history.ok() && !history->empty() ? history->front().outcome() : "";
  }
};

TEST_F(DnsFaultIntegrationTest, ServfailAtTheNameItselfIsIndeterminateEvenIfTheParentPermits) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"letsencrypt.org\"\n", fakes::CaBrand::kLetsEncrypt));
  proxy_->SetFault("www.shop.test", fakes::DnsFault::kServFail);
  const store::FindingRecord f = IssueAfterLookup("www.shop.test");
  EXPECT_EQ(f.verdict(), "dns_indeterminate") << f.DebugString();
  EXPECT_EQ(f.severity(), "warning");
  ASSERT_EQ(f.caa_size(), 1);
  EXPECT_EQ(f.caa(0).relevant_name(), "www.shop.test");  // Where the search failed.
  EXPECT_EQ(FirstOutcome("www.shop.test"), "servfail");
}

TEST_F(DnsFaultIntegrationTest, TimeoutAtAParentTheSearchReachesIsIndeterminateNotForbidden) {
  caa::ResolverOptions options;
  options.timeout = absl::Milliseconds(300);
  options.retries = 0;
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n", fakes::CaBrand::kLetsEncrypt, options));
  proxy_->SetFault("shop.test", fakes::DnsFault::kDrop);
  const store::FindingRecord f = IssueAfterLookup("www.shop.test");
  EXPECT_EQ(f.verdict(), "dns_indeterminate") << f.DebugString();
  EXPECT_EQ(FirstOutcome("shop.test"), "timeout");

  // The same issuance once shop.test has answered again for longer than a window (hourly
  // polls): its records forbid Let's Encrypt.
  proxy_->ClearFaults();
  for (int hour = 0; hour < 10; ++hour) {
    clock_.Advance(absl::Hours(1));
    Poll();
  }
  const store::FindingRecord later = IssueAfterLookup("api.shop.test");
  EXPECT_EQ(later.verdict(), "forbidden") << later.DebugString();
}

TEST_F(DnsFaultIntegrationTest, FailureAtANameTheSearchNeverReachesChangesNothing) {
  ASSERT_NO_FATAL_FAILURE(
      Start("shop 60 CAA 0 issue \"pki.goog\"\n", fakes::CaBrand::kLetsEncrypt));
  proxy_->SetFault("test", fakes::DnsFault::kServFail);  // Above shop.test, which answers.
  const store::FindingRecord f = IssueAfterLookup("www.shop.test");
  EXPECT_EQ(f.verdict(), "forbidden") << f.DebugString();
  EXPECT_EQ(f.caa(0).relevant_name(), "shop.test");
  EXPECT_EQ(FirstOutcome("test"), "servfail");  // The poller did meet the failure.
}

}  // namespace
}  // namespace caawatch::judge
