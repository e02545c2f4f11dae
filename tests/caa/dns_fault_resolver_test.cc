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
#include "names/domain_name.h"
#include "tests/fakes/dns/dns_fault_proxy.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch::caa {
namespace {

// The query names the tests ask, as the resolver takes them.
names::DomainName Name(absl::string_view text) { return *names::DomainName::Parse(text); }
std::vector<names::DomainName> Names(const std::vector<std::string>& texts) {
  std::vector<names::DomainName> out;
  for (const std::string& text : texts) out.push_back(Name(text));
  return out;
}

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

// n0 ... n249, each with its own issuer, and every third one without CAA (an empty answer).
constexpr int kManyNames = 250;
std::string ManyNames() {
  std::string out;
  for (int i = 0; i < kManyNames; ++i) {
    out += i % 3 == 2 ? absl::StrCat("n", i, " 300 TXT \"no caa\"\n")
                      : absl::StrCat("n", i, " 300 CAA 0 issue \"ca", i, ".example.net\"\n");
  }
  return out;
}

class DnsFaultResolverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto server = KnotServer::Start(
        {KnotZone{"fault.test", "@ 600 CAA 0 issue \"ca.test\"\n" + BigRrset() + ManyNames()}});
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
  const CaaAnswer answer = Resolver(absl::Seconds(2), 1, true)->Lookup(Name("fault.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  ASSERT_EQ(answer.records.size(), 1u);
  EXPECT_EQ(answer.records[0].value, "ca.test");
  EXPECT_EQ(answer.ttl, 600u);
}

TEST_F(DnsFaultResolverTest, ServfailIsAFailureWithItsRcodeNotAnEmptyAnswer) {
  proxy_->SetFault("fault.test", DnsFault::kServFail);
  const CaaAnswer answer = Resolver(absl::Seconds(2), 1, true)->Lookup(Name("fault.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kServFail) << answer.error;
  EXPECT_EQ(answer.rcode, 2);
  // libunbound also says SERVFAIL for a server that never answered: the words cover both.
  EXPECT_EQ(answer.error, "the DNS server failed or did not answer");
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
                               ->Lookup(Name("fault.test"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answer.outcome, LookupOutcome::kTimeout) << answer.error;
  EXPECT_FALSE(answer.is_answer());
  EXPECT_GE(elapsed, std::chrono::milliseconds(600));   // Both attempts waited...
  EXPECT_LT(elapsed, std::chrono::milliseconds(2000));  // ...and no longer.
  EXPECT_EQ(proxy_->Queries("fault.test").tcp, 0);
}

TEST_F(DnsFaultResolverTest, RetryAfterATimeoutGoesOverTcpWhenFallbackIsOn) {
  proxy_->SetFault("fault.test", DnsFault::kDrop);  // TCP connections are closed unanswered.
  const CaaAnswer answer = Resolver(absl::Milliseconds(300), /*retries=*/1, /*tcp_fallback=*/true)
                               ->Lookup(Name("fault.test"));
  EXPECT_FALSE(answer.is_answer()) << answer.error;
  EXPECT_GE(proxy_->Queries("fault.test").tcp, 1);
}

TEST_F(DnsFaultResolverTest, TruncatedUdpAnswerIsFetchedAgainOverTcp) {
  proxy_->SetFault("fault.test", DnsFault::kTruncate);
  const CaaAnswer answer = Resolver(absl::Seconds(2), 0, false)->Lookup(Name("fault.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  ASSERT_EQ(answer.records.size(), 1u);
  EXPECT_EQ(answer.records[0].value, "ca.test");
  const fakes::DnsQueryCount count = proxy_->Queries("fault.test");
  EXPECT_GE(count.udp, 1);
  EXPECT_GE(count.tcp, 1);
}

TEST_F(DnsFaultResolverTest, RrsetLargerThanAUdpAnswerIsReadWholeOverTcp) {
  const CaaAnswer answer = Resolver(absl::Seconds(2), 0, false)->Lookup(Name("big.fault.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_EQ(answer.records.size(), 60u);
  EXPECT_GE(proxy_->Queries("big.fault.test").tcp, 1);  // Knot truncated it over UDP.
}

// A poll's batch: more names than queries allowed in flight at once, with a SERVFAIL and a
// dropped query among them; every name gets its own answer, in order, and the failures are
// outcomes that stop nothing else.
TEST_F(DnsFaultResolverTest, LookupManyAnswersEveryNameInOrderWithFailuresInTheirPlace) {
  proxy_->SetFault("n7.fault.test", DnsFault::kServFail);
  proxy_->SetFault("n13.fault.test", DnsFault::kDrop);
  std::vector<std::string> names;
  for (int i = 0; i < kManyNames; ++i) names.push_back(absl::StrCat("N", i, ".fault.test."));
  names.push_back("missing.fault.test");
  ResolverOptions options;
  options.servers = {proxy_->address()};
  options.dnssec = false;
  options.timeout = absl::Milliseconds(500);
  options.retries = 1;
  options.tcp_fallback = false;
  options.max_in_flight = 20;
  auto resolver = UnboundResolver::Create(options, &clock_);
  ASSERT_TRUE(resolver.ok()) << resolver.status();
  const auto start = std::chrono::steady_clock::now();
  const std::vector<CaaAnswer> answers = (*resolver)->LookupMany(Names(names));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(answers.size(), names.size());
  for (int i = 0; i < kManyNames; ++i) {
    const CaaAnswer& a = answers[i];
    EXPECT_EQ(a.qname, absl::StrCat("n", i, ".fault.test"));
    EXPECT_EQ(a.observed_at, clock_.Now()) << a.qname;
    if (i == 7) {
      EXPECT_EQ(a.outcome, LookupOutcome::kServFail) << a.error;
    } else if (i == 13) {
      EXPECT_EQ(a.outcome, LookupOutcome::kTimeout) << a.error;
    } else if (i % 3 == 2) {
      EXPECT_EQ(a.outcome, LookupOutcome::kNoError) << a.qname << ": " << a.error;
      EXPECT_TRUE(a.records.empty()) << a.qname;
      EXPECT_EQ(a.ttl, 300u) << a.qname;  // The negative TTL: SOA minimum.
    } else {
      EXPECT_EQ(a.outcome, LookupOutcome::kNoError) << a.qname << ": " << a.error;
      ASSERT_EQ(a.records.size(), 1u) << a.qname;
      EXPECT_EQ(a.records[0].value, absl::StrCat("ca", i, ".example.net"));
      EXPECT_EQ(a.ttl, 300u) << a.qname;
    }
    if (i != 7 && i != 13) {  // unbound itself retransmits those two.
      EXPECT_EQ(proxy_->Queries(absl::StrCat("n", i, ".fault.test")).udp, 1) << i;
    }
  }
  EXPECT_EQ(answers.back().outcome, LookupOutcome::kNxDomain);
  // The dropped query's two timeouts bound the batch: the others did not wait in line.
  EXPECT_LT(elapsed, std::chrono::milliseconds(2500));
}

TEST_F(DnsFaultResolverTest, LookupManyOfNothingAsksNothing) {
  EXPECT_TRUE(Resolver(absl::Seconds(1), 0, false)->LookupMany({}).empty());
}

}  // namespace
}  // namespace caawatch::caa
