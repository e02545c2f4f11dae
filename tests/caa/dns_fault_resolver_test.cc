// UnboundResolver behind the DNS fault proxy (tests/fakes/dns) in front of a real Knot server:
// SERVFAIL and dropped queries become failure outcomes within the configured bounds, and a
// truncated UDP answer (TC) is fetched again over TCP, so large RRsets are read whole.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "caa/unbound_resolver.h"
#include "gtest/gtest.h"
#include "tests/fakes/dns/dns_fault_proxy.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch::caa {
namespace {

using ::caawatch::fakes::DnsFault;
using ::caawatch::fakes::DnsFaultProxy;
using ::caawatch::fakes::KnotServer;
using ::caawatch::fakes::KnotZone;

// 60 issue properties: about 2.7 kB, more than the 1232-octet EDNS buffer unbound offers.
std::string BigRrset() {
  std::string out;
  for (int i = 0; i < 60; ++i)
    out += absl::StrCat("big 300 CAA 0 issue \"ca", i, ".example.net\"\n");
  return out;
}

class DnsFaultResolverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server =
        KnotServer::Start({KnotZone{"fault.test", "@ 600 CAA 0 issue \"ca.test\"\n" + BigRrset()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    auto proxy = DnsFaultProxy::Start(server_->port());
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = std::move(*proxy);
  }

  std::unique_ptr<UnboundResolver> Resolver(absl::Duration timeout, int retries,
                                            bool tcp_fallback) {
    ResolverOptions options;
    options.servers = {proxy_->address()};
    options.dnssec = false;
    options.timeout = timeout;
    options.retries = retries;
    options.tcp_fallback = tcp_fallback;
    auto resolver = UnboundResolver::Create(options, &clock_);
    EXPECT_TRUE(resolver.ok()) << resolver.status();
    return resolver.ok() ? *std::move(resolver) : nullptr;
  }

  static KnotServer* server_;
  std::unique_ptr<DnsFaultProxy> proxy_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
};

KnotServer* DnsFaultResolverTest::server_ = nullptr;

TEST_F(DnsFaultResolverTest, AnswersPassThroughTheProxyUnchanged) {
  const CaaAnswer answer = Resolver(absl::Seconds(2), 1, true)->Lookup("fault.test");
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  ASSERT_EQ(answer.records.size(), 1u);
  EXPECT_EQ(answer.records[0].value, "ca.test");
  EXPECT_EQ(answer.ttl, 600u);
}

TEST_F(DnsFaultResolverTest, ServfailIsAFailureWithItsRcodeNotAnEmptyAnswer) {
  proxy_->SetFault("fault.test", DnsFault::kServFail);
  const CaaAnswer answer = Resolver(absl::Seconds(2), 1, true)->Lookup("fault.test");
  EXPECT_EQ(answer.outcome, LookupOutcome::kServFail) << answer.error;
  EXPECT_EQ(answer.rcode, 2);
  EXPECT_FALSE(answer.is_answer());
  EXPECT_TRUE(answer.records.empty());
  EXPECT_FALSE(answer.raw_answer.empty());  // The failure's own response is evidence too.
  EXPECT_EQ(answer.dnssec, DnssecStatus::kIndeterminate);
  EXPECT_GE(proxy_->Queries("fault.test").udp, 1);
}

TEST_F(DnsFaultResolverTest, DroppedQueryTimesOutAfterTheConfiguredAttempts) {
  proxy_->SetFault("fault.test", DnsFault::kDrop);
  const auto start = std::chrono::steady_clock::now();
  const CaaAnswer answer = Resolver(absl::Milliseconds(300), /*retries=*/1, /*tcp_fallback=*/false)
                               ->Lookup("fault.test");
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answer.outcome, LookupOutcome::kTimeout) << answer.error;
  EXPECT_FALSE(answer.is_answer());
  EXPECT_GE(elapsed, std::chrono::milliseconds(600));   // Both attempts waited...
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));  // ...and no longer.
  EXPECT_EQ(proxy_->Queries("fault.test").tcp, 0);
}

TEST_F(DnsFaultResolverTest, RetryAfterATimeoutGoesOverTcpWhenFallbackIsOn) {
  proxy_->SetFault("fault.test", DnsFault::kDrop);  // TCP connections are closed unanswered.
  const CaaAnswer answer =
      Resolver(absl::Milliseconds(300), /*retries=*/1, /*tcp_fallback=*/true)->Lookup("fault.test");
  EXPECT_FALSE(answer.is_answer()) << answer.error;
  EXPECT_GE(proxy_->Queries("fault.test").tcp, 1);
}

TEST_F(DnsFaultResolverTest, TruncatedUdpAnswerIsFetchedAgainOverTcp) {
  proxy_->SetFault("fault.test", DnsFault::kTruncate);
  const CaaAnswer answer = Resolver(absl::Seconds(2), 0, false)->Lookup("fault.test");
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  ASSERT_EQ(answer.records.size(), 1u);
  EXPECT_EQ(answer.records[0].value, "ca.test");
  const fakes::DnsQueryCount count = proxy_->Queries("fault.test");
  EXPECT_GE(count.udp, 1);
  EXPECT_GE(count.tcp, 1);
}

TEST_F(DnsFaultResolverTest, RrsetLargerThanAUdpAnswerIsReadWholeOverTcp) {
  const CaaAnswer answer = Resolver(absl::Seconds(2), 0, false)->Lookup("big.fault.test");
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_EQ(answer.records.size(), 60u);
  EXPECT_GE(proxy_->Queries("big.fault.test").tcp, 1);  // Knot truncated it over UDP.
}

}  // namespace
}  // namespace caawatch::caa
