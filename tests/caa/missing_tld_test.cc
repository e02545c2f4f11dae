// The relevant-set search against a resolver that answers NXDOMAIN for a top-level domain (a
// real Knot serving the root zone, reached with DNSSEC off, as a broken or lying resolver
// would answer): every TLD in use exists, so the answer says the resolver is broken and CAA
// cannot be known; it never means "no CAA, permitted" (issue 16).
#include <memory>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "base/clock.h"
#include "caa/relevant_set.h"
#include "caa/unbound_resolver.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "names/domain_name.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch::caa {
namespace {

using ::caawatch::fakes::KnotServer;
using ::caawatch::fakes::KnotZone;
using ::testing::HasSubstr;

class MissingTldTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // The root zone knows no TLD but test, which has no CAA anywhere.
    absl::StatusOr<std::unique_ptr<KnotServer>> server =
        KnotServer::Start({{"", ""}, {"test", "www A 127.0.0.2\n"}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
    ResolverOptions options;
    options.servers = {server_->address()};
    options.dnssec = false;
    options.timeout = absl::Seconds(2);
    absl::StatusOr<std::unique_ptr<UnboundResolver>> resolver =
        UnboundResolver::Create(options, &clock_);
    ASSERT_TRUE(resolver.ok()) << resolver.status();
    resolver_ = *std::move(resolver);
  }

  RelevantSet Find(const std::string& name) {
    return FindRelevantSet(*names::DomainName::Parse(name),
                           [&](const names::DomainName& q) { return resolver_->Lookup(q); });
  }

  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<KnotServer> server_;
  std::unique_ptr<UnboundResolver> resolver_;
};

TEST_F(MissingTldTest, NxDomainForTheTopLevelDomainIsIndeterminateNotNoCaa) {
  const RelevantSet set = Find("www.example.com");
  ASSERT_EQ(set.consulted.size(), 3u);
  EXPECT_EQ(set.consulted.back().outcome, LookupOutcome::kNxDomain) << set.consulted.back().error;
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kIndeterminate) << set.reason;
  EXPECT_EQ(set.relevant_name, "com");
  EXPECT_THAT(set.reason, HasSubstr("NXDOMAIN for the top-level domain com"));
  EXPECT_THAT(set.reason, HasSubstr("the resolver is broken"));
}

TEST_F(MissingTldTest, NamesThatDoNotExistUnderAnExistingTldStillMeanNoCaa) {
  const RelevantSet set = Find("shop.nothing.test");
  ASSERT_EQ(set.consulted.size(), 3u);
  EXPECT_EQ(set.consulted[0].outcome, LookupOutcome::kNxDomain) << set.consulted[0].error;
  EXPECT_EQ(set.consulted.back().outcome, LookupOutcome::kNoError) << set.consulted.back().error;
  EXPECT_EQ(set.outcome, RelevantSetOutcome::kNone) << set.reason;
}

}  // namespace
}  // namespace caawatch::caa
