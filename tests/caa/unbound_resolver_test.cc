// UnboundResolver against a real Knot DNS server (tests/fakes/dns): what caawatch records as
// a CAA observation for each kind of DNS answer.
#include "caa/unbound_resolver.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "caa/dns_message.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "names/domain_name.h"
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

using ::caawatch::fakes::KnotServer;
using ::caawatch::fakes::KnotZone;
using ::caawatch::fakes::ZoneSigning;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::vector<KnotZone> TestZones() {
  return {
      {"example.test",
       "@ 1800 CAA 0 issue \"ca.test\"\n"
       "@ 1800 CAA 128 tbs \"critical\"\n"
       "nodata A 127.0.0.2\n"
       "alias CNAME target\n"
       "alias2 CNAME alias\n"
       "target 900 CAA 0 issuewild \"wild.test\"\n"
       "moved DNAME target\n"
       "x.target 600 CAA 0 issue \"dname.test\"\n"
       // A typo tag beside a good record (issue 20), in generic RDATA syntax (RFC 3597).
       "typo 600 CAA 0 issue \"letsencrypt.org\"\n"
       "typo 600 TYPE257 \\# 20 000a69737375652d77696c64706b692e676f6f67\n"},
      {"corp.internal", "@ 600 CAA 0 issue \"internal.test\"\n"},
      {"lab.example", "@ 600 CAA 0 issue \"example.test\"\n"},
      {"gone.invalid", "@ 600 CAA 0 issue \"invalid.test\"\n"},
      {"signed.test", "@ 1200 CAA 0 issue \"signed.test\"\n", ZoneSigning::kSigned},
      {"broken.test", "@ 1200 CAA 0 issue \"broken.test\"\n", ZoneSigning::kBrokenCaaSignature},
      {"dyn.test", "@ 60 CAA 0 issue \"old.test\"\n", ZoneSigning::kUnsigned,
       /*allow_updates=*/true},
  };
}

CaaRecord Caa(uint8_t flags, std::string tag, std::string value) {
  return CaaRecord{flags, std::move(tag), std::move(value)};
}

class UnboundResolverTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<KnotServer>> server = KnotServer::Start(TestZones());
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // Against knotd, DNSSEC anchored at its signed zones only (so the other zones are insecure).
  ResolverOptions KnotOptions() const {
    ResolverOptions options;
    options.servers = {server_->address()};
    options.trust_anchor_file = server_->trust_anchor_file();
    options.timeout = absl::Seconds(2);
    return options;
  }
  std::unique_ptr<UnboundResolver> NewResolver(const ResolverOptions& options) {
    absl::StatusOr<std::unique_ptr<UnboundResolver>> resolver =
        UnboundResolver::Create(options, &clock_);
    EXPECT_TRUE(resolver.ok()) << resolver.status();
    return resolver.ok() ? *std::move(resolver) : nullptr;
  }

  static KnotServer* server_;
  FakeClock clock_{kNow};
};

KnotServer* UnboundResolverTest::server_ = nullptr;

TEST_F(UnboundResolverTest, LookupReturnsCaaRecordsWithFlagsTagValueAndAuthoritativeTtl) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_EQ(answer.rcode, 0);
  EXPECT_THAT(answer.records, ::testing::UnorderedElementsAre(Caa(0, "issue", "ca.test"),
                                                              Caa(128, "tbs", "critical")));
  EXPECT_EQ(answer.ttl, 1800u);
  EXPECT_THAT(answer.cname_chain, IsEmpty());
  EXPECT_EQ(answer.dnssec, DnssecStatus::kInsecure);
  EXPECT_EQ(answer.observed_at, kNow);
  absl::StatusOr<DnsMessage> raw = ParseDnsMessage(answer.raw_answer);
  ASSERT_TRUE(raw.ok()) << raw.status();
  EXPECT_EQ(raw->answers.size(), 2u);
}

TEST_F(UnboundResolverTest, LookupNormalisesTheNameToLowercaseWithoutTrailingDot) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("Example.TEST."));
  EXPECT_EQ(answer.qname, "example.test");
  EXPECT_EQ(answer.records.size(), 2u) << answer.error;
}

// A record whose tag RFC 8659 forbids, which the DNS server serves anyway, is an unknown
// property: the lookup succeeds with both records (it failed as a whole before issue 20).
TEST_F(UnboundResolverTest, TypoTagIsARecordOfItsOwnNotALookupFailure) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("typo.example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_THAT(answer.records, ::testing::UnorderedElementsAre(Caa(0, "issue", "letsencrypt.org"),
                                                              Caa(0, "issue-wild", "pki.goog")));
}

TEST_F(UnboundResolverTest, MissingNameIsNxDomainWithTheNegativeTtl) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("nothing.example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNxDomain) << answer.error;
  EXPECT_EQ(answer.rcode, 3);
  EXPECT_THAT(answer.records, IsEmpty());
  EXPECT_EQ(answer.ttl, 300u);  // min(SOA TTL 3600, SOA minimum 300).
  EXPECT_TRUE(answer.is_answer());
}

TEST_F(UnboundResolverTest, NameWithoutCaaIsNoDataWithTheNegativeTtl) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("nodata.example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_THAT(answer.records, IsEmpty());
  EXPECT_EQ(answer.ttl, 300u);
}

TEST_F(UnboundResolverTest, CnameChainIsFollowedAndRecorded) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("alias2.example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_THAT(answer.cname_chain, ElementsAre("alias.example.test", "target.example.test"));
  EXPECT_THAT(answer.records, ElementsAre(Caa(0, "issuewild", "wild.test")));
  EXPECT_EQ(answer.ttl, 900u);
}

TEST_F(UnboundResolverTest, DnameIsFollowedThroughTheSynthesisedCname) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("x.moved.example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_THAT(answer.cname_chain, ElementsAre("x.target.example.test"));
  EXPECT_THAT(answer.records, ElementsAre(Caa(0, "issue", "dname.test")));
  EXPECT_EQ(answer.ttl, 600u);
}

TEST_F(UnboundResolverTest, SpecialUseTldsAreResolvedThroughTheConfiguredServer) {
  std::unique_ptr<UnboundResolver> resolver = NewResolver(KnotOptions());
  for (const char* name : {"corp.internal", "lab.example", "gone.invalid"}) {
    SCOPED_TRACE(name);
    const CaaAnswer answer = resolver->Lookup(Name(name));
    EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
    EXPECT_EQ(answer.records.size(), 1u);
  }
}

TEST_F(UnboundResolverTest, SignedZoneUnderTheTrustAnchorIsSecure) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("signed.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
  EXPECT_EQ(answer.dnssec, DnssecStatus::kSecure);
  EXPECT_THAT(answer.records, ElementsAre(Caa(0, "issue", "signed.test")));
  EXPECT_EQ(answer.ttl, 1200u);
}

TEST_F(UnboundResolverTest, SignedNxDomainIsSecure) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("missing.signed.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kNxDomain) << answer.error;
  EXPECT_EQ(answer.dnssec, DnssecStatus::kSecure);
}

TEST_F(UnboundResolverTest, BrokenSignatureIsBogusAndNotAnAnswer) {
  const CaaAnswer answer = NewResolver(KnotOptions())->Lookup(Name("broken.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kBogus);
  EXPECT_EQ(answer.dnssec, DnssecStatus::kBogus);
  EXPECT_FALSE(answer.is_answer());
  EXPECT_THAT(answer.error, ::testing::HasSubstr("broken.test"));
}

// "off", not "indeterminate": the user chose not to validate, nothing failed.
TEST_F(UnboundResolverTest, DnssecOffGivesOffStatusEvenForBrokenSignatures) {
  ResolverOptions options = KnotOptions();
  options.dnssec = false;
  std::unique_ptr<UnboundResolver> resolver = NewResolver(options);
  for (const char* name : {"signed.test", "broken.test", "example.test"}) {
    SCOPED_TRACE(name);
    const CaaAnswer answer = resolver->Lookup(Name(name));
    EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
    EXPECT_EQ(answer.dnssec, DnssecStatus::kOff);
    EXPECT_EQ(answer.records.size(), 1u + (name == std::string("example.test")));
  }
}

TEST_F(UnboundResolverTest, RootTrustAnchorMakesPrivateZonesBogus) {
  ResolverOptions options = KnotOptions();
  options.trust_anchor_file.clear();  // The real root: .test has no chain of trust here.
  const CaaAnswer answer = NewResolver(options)->Lookup(Name("example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kBogus);
}

TEST_F(UnboundResolverTest, RecordChangedByDynamicUpdateIsSeenOnTheNextLookup) {
  std::unique_ptr<UnboundResolver> resolver = NewResolver(KnotOptions());
  EXPECT_THAT(resolver->Lookup(Name("dyn.test")).records, ElementsAre(Caa(0, "issue", "old.test")));
  ASSERT_TRUE(server_
                  ->Update("dyn.test",
                           "update delete dyn.test. CAA\n"
                           "update add dyn.test. 60 CAA 0 issue \"new.test\"")
                  .ok());
  EXPECT_THAT(resolver->Lookup(Name("dyn.test")).records, ElementsAre(Caa(0, "issue", "new.test")));
}

TEST_F(UnboundResolverTest, ConcurrentLookupsFromSeveralThreadsAllAnswer) {
  std::unique_ptr<UnboundResolver> resolver = NewResolver(KnotOptions());
  std::vector<CaaAnswer> answers(6);
  std::vector<std::thread> threads;
  for (size_t i = 0; i < answers.size(); ++i) {
    threads.emplace_back([&, i] {
      answers[i] = resolver->Lookup(Name(i % 2 == 0 ? "example.test" : "signed.test"));
    });
  }
  for (std::thread& t : threads) t.join();
  for (const CaaAnswer& answer : answers) {
    EXPECT_EQ(answer.outcome, LookupOutcome::kNoError) << answer.error;
    EXPECT_FALSE(answer.records.empty());
  }
}

// A batch spread over several contexts (each with its own libunbound worker thread) keeps
// every name's own answer, in order, DNSSEC statuses included.
TEST_F(UnboundResolverTest, LookupManyOverSeveralContextsAnswersEachNameInItsPlace) {
  ResolverOptions options = KnotOptions();
  options.max_in_flight = 1;
  options.contexts = 3;
  const std::vector<std::string> names = {"signed.test", "broken.test", "example.test",
                                          "missing.signed.test", "alias.example.test"};
  const std::vector<CaaAnswer> answers = NewResolver(options)->LookupMany(Names(names));
  ASSERT_EQ(answers.size(), names.size());
  for (size_t i = 0; i < names.size(); ++i) EXPECT_EQ(answers[i].qname, names[i]);
  EXPECT_EQ(answers[0].dnssec, DnssecStatus::kSecure) << answers[0].error;
  EXPECT_THAT(answers[0].records, ElementsAre(Caa(0, "issue", "signed.test")));
  EXPECT_EQ(answers[1].outcome, LookupOutcome::kBogus);
  EXPECT_EQ(answers[2].dnssec, DnssecStatus::kInsecure);
  EXPECT_EQ(answers[2].records.size(), 2u);
  EXPECT_EQ(answers[3].outcome, LookupOutcome::kNxDomain);
  EXPECT_EQ(answers[3].dnssec, DnssecStatus::kSecure);
  EXPECT_THAT(answers[4].cname_chain, ElementsAre("target.example.test"));
  for (const CaaAnswer& answer : answers) EXPECT_EQ(answer.observed_at, kNow);
}

// Binds UDP and TCP on a free port and never answers: queries go unanswered.
class BlackholeServer {
 public:
  BlackholeServer() {
    udp_ = socket(AF_INET, SOCK_DGRAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(addr);
    bind(udp_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    getsockname(udp_, reinterpret_cast<sockaddr*>(&addr), &len);
    tcp_ = socket(AF_INET, SOCK_STREAM, 0);
    bind(tcp_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(tcp_, 16);  // Connections complete in the kernel and are never read.
    port_ = ntohs(addr.sin_port);
  }
  ~BlackholeServer() {
    close(udp_);
    close(tcp_);
  }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }

 private:
  int udp_ = -1, tcp_ = -1, port_ = 0;
};

TEST(UnboundResolverTimeoutTest, UnresponsiveServerTimesOutWithinTheConfiguredBound) {
  BlackholeServer blackhole;
  FakeClock clock(kNow);
  ResolverOptions options;
  options.servers = {blackhole.address()};
  options.dnssec = false;
  options.timeout = absl::Milliseconds(300);
  options.retries = 1;
  absl::StatusOr<std::unique_ptr<UnboundResolver>> resolver =
      UnboundResolver::Create(options, &clock);
  ASSERT_TRUE(resolver.ok()) << resolver.status();
  const auto start = std::chrono::steady_clock::now();
  const CaaAnswer answer = (*resolver)->Lookup(Name("example.test"));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(answer.outcome, LookupOutcome::kTimeout) << answer.error;
  EXPECT_FALSE(answer.is_answer());
  // 2 attempts x 300 ms; the bound leaves room for a loaded machine (it failed once at 1.5 s
  // in a full parallel suite), and unbound's own defaults would wait far longer.
  EXPECT_LT(elapsed, std::chrono::milliseconds(3000));
}

// Over UDP a closed port looks like silence to unbound (it retries ICMP-refused queries), so
// the outcome is a timeout. (With tcp_fallback the TCP retry is refused at once and unbound
// reports its own SERVFAIL: also not an answer.)
TEST(UnboundResolverTimeoutTest, PortWithNothingListeningTimesOutWithinTheConfiguredBound) {
  int port = 0;
  {
    BlackholeServer reserve;  // Find a free port, then free it again.
    port = std::stoi(reserve.address().substr(10));
  }
  FakeClock clock(kNow);
  ResolverOptions options;
  options.servers = {"127.0.0.1:" + std::to_string(port)};
  options.dnssec = false;
  options.timeout = absl::Milliseconds(300);
  options.retries = 1;
  options.tcp_fallback = false;
  absl::StatusOr<std::unique_ptr<UnboundResolver>> resolver =
      UnboundResolver::Create(options, &clock);
  ASSERT_TRUE(resolver.ok()) << resolver.status();
  const auto start = std::chrono::steady_clock::now();
  const CaaAnswer answer = (*resolver)->Lookup(Name("example.test"));
  EXPECT_EQ(answer.outcome, LookupOutcome::kTimeout) << answer.error;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3000));
}

// A resolver asking only `blackhole`, no retries, no TCP: every name times out after `timeout`.
std::unique_ptr<UnboundResolver> BlackholeResolver(const BlackholeServer& blackhole,
                                                   const Clock* clock, absl::Duration timeout,
                                                   int max_in_flight, int contexts) {
  ResolverOptions options;
  options.servers = {blackhole.address()};
  options.dnssec = false;
  options.retries = 0;
  options.tcp_fallback = false;
  options.timeout = timeout;
  options.max_in_flight = max_in_flight;
  options.contexts = contexts;
  absl::StatusOr<std::unique_ptr<UnboundResolver>> resolver =
      UnboundResolver::Create(options, clock);
  EXPECT_TRUE(resolver.ok()) << resolver.status();
  return resolver.ok() ? *std::move(resolver) : nullptr;
}

// Four names that time out, one query in flight per context: over four contexts they wait
// side by side (one timeout), where one context would wait for them in turn (four).
TEST(UnboundResolverTimeoutTest, LookupManyWaitsForTheContextsSideBySide) {
  BlackholeServer blackhole;
  FakeClock clock(kNow);
  const std::unique_ptr<UnboundResolver> resolver =
      BlackholeResolver(blackhole, &clock, absl::Milliseconds(400), /*max_in_flight=*/1,
                        /*contexts=*/4);
  ASSERT_NE(resolver, nullptr);
  const auto start = std::chrono::steady_clock::now();
  const std::vector<CaaAnswer> answers =
      resolver->LookupMany(Names({"a.example.test", "b.example.test", "c.example.test", "d.test"}));
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_EQ(answers.size(), 4u);
  for (const CaaAnswer& answer : answers) {
    EXPECT_EQ(answer.outcome, LookupOutcome::kTimeout) << answer.qname << ": " << answer.error;
  }
  EXPECT_GE(elapsed, std::chrono::milliseconds(400));
  EXPECT_LT(elapsed, std::chrono::milliseconds(1200));  // In turn: 4 x 400 ms.
}

// A cancel while every context waits for a silent server: LookupMany asks again within 200 ms,
// cancels what is outstanding in every context and marks every name, asked or not, cancelled.
TEST(UnboundResolverTimeoutTest, LookupManyCancelledWhileWaitingStopsEveryContextPromptly) {
  BlackholeServer blackhole;
  FakeClock clock(kNow);
  const std::unique_ptr<UnboundResolver> resolver =
      BlackholeResolver(blackhole, &clock, absl::Seconds(10), /*max_in_flight=*/50,
                        /*contexts=*/3);
  ASSERT_NE(resolver, nullptr);
  std::vector<std::string> names;
  for (int i = 0; i < 400; ++i) names.push_back("n" + std::to_string(i) + ".example.test");
  int asked = 0;
  const auto start = std::chrono::steady_clock::now();
  const std::vector<CaaAnswer> answers =
      resolver->LookupMany(Names(names), [&asked] { return ++asked > 1; });  // The second ask.
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(asked, 2);
  EXPECT_LT(elapsed, std::chrono::milliseconds(1000));  // One 200 ms wait, plus slack.
  ASSERT_EQ(answers.size(), names.size());
  for (const CaaAnswer& answer : answers) {
    EXPECT_EQ(answer.outcome, LookupOutcome::kOtherError) << answer.qname;
    EXPECT_EQ(answer.error, "cancelled") << answer.qname;
  }
}

TEST(UnboundResolverCreateTest, RejectsMalformedConfiguration) {
  FakeClock clock(kNow);
  struct Case {
    const char* name;
    ResolverOptions options;
  };
  ResolverOptions base;
  base.dnssec = false;
  std::vector<Case> cases;
  for (const char* server : {"dns.example:53", "127.0.0.1:0", "127.0.0.1:x", "[::1"}) {
    ResolverOptions o = base;
    o.servers = {server};
    cases.push_back({server, o});
  }
  ResolverOptions no_anchor = base;
  no_anchor.dnssec = true;
  no_anchor.trust_anchor_file = "/nonexistent/anchor.ds";
  cases.push_back({"missing trust anchor", no_anchor});
  const std::string garbage_anchor =
      ::testing::TempDir() + "caawatch-garbage-anchor-" + std::to_string(getpid()) + ".ds";
  { std::ofstream(garbage_anchor) << "this is not a DS record\n"; }
  ResolverOptions bad_anchor = base;
  bad_anchor.dnssec = true;
  bad_anchor.trust_anchor_file = garbage_anchor;
  cases.push_back({"unparseable trust anchor", bad_anchor});
  ResolverOptions negative_retries = base;
  negative_retries.retries = -1;
  cases.push_back({"negative retries", negative_retries});
  ResolverOptions no_window = base;
  no_window.max_in_flight = 0;
  cases.push_back({"no query in flight", no_window});
  ResolverOptions no_contexts = base;
  no_contexts.contexts = 0;
  cases.push_back({"no context", no_contexts});
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(UnboundResolver::Create(c.options, &clock).status().code(),
              absl::StatusCode::kInvalidArgument);
  }
  std::remove(garbage_anchor.c_str());
}

TEST(UnboundResolverCreateTest, EachServerFormBecomesTheForwarderItNames) {
  const std::pair<const char*, const char*> kForms[] = {
      {"127.0.0.1", "127.0.0.1@53"},
      {"127.0.0.1:5353", "127.0.0.1@5353"},
      {"::1", "::1@53"},
      {"[::1]:5300", "::1@5300"},
      {"[2001:db8::1]", "2001:db8::1@53"},
      {"2001:db8::53", "2001:db8::53@53"},
  };
  for (const auto& [given, forwarder] : kForms) {
    EXPECT_EQ(UnboundForwarder(given).value_or("error"), forwarder) << given;
  }
  FakeClock clock(kNow);
  ResolverOptions options;
  options.dnssec = false;
  for (const auto& [given, forwarder] : kForms) options.servers.push_back(given);
  EXPECT_TRUE(UnboundResolver::Create(options, &clock).ok());
}

TEST_F(UnboundResolverTest, TheConfiguredServerIsTheOneAsked) {
  // The same server named with a port that nobody serves fails; with its own port, it answers.
  ResolverOptions wrong = KnotOptions();
  wrong.servers = {absl::StrCat("127.0.0.1:", server_->port() == 1 ? 2 : 1)};
  wrong.timeout = absl::Milliseconds(300);
  wrong.retries = 0;
  EXPECT_FALSE(NewResolver(wrong)->Lookup(Name("example.test")).is_answer());
  ResolverOptions right = KnotOptions();
  right.servers = {absl::StrCat("127.0.0.1:", server_->port())};
  EXPECT_TRUE(NewResolver(right)->Lookup(Name("example.test")).is_answer());
}

}  // namespace
}  // namespace caawatch::caa
