// The CAA poll of a watchlist against a real Knot server behind the DNS fault proxy, with
// libunbound and RocksDB: every watched name and each parent looked up once, every answer
// recorded, failures recorded as such without holding up the other names.

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "base/log.h"
#include "caa/unbound_resolver.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "judge/caa_observer.h"
#include "judge/caa_poll.h"
#include "judge/caa_poll_ledger.h"
#include "store/store.h"
#include "tests/fakes/dns/dns_fault_proxy.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/store_fixture.h"
#include "watch/watchlist.h"

namespace caawatch::judge {
namespace {

using ::caawatch::fakes::DnsFault;
using ::caawatch::fakes::DnsFaultProxy;
using ::caawatch::fakes::KnotServer;
using ::caawatch::fakes::KnotZone;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int kHosts = 300;

// poll.test allows ca.test; h0 ... h299 below it, every tenth with CAA of its own.
std::string PollZone() {
  std::string out = "@ 600 CAA 0 issue \"ca.test\"\n";
  for (int i = 0; i < kHosts; ++i) {
    out += i % 10 == 0 ? absl::StrCat("h", i, " 300 CAA 0 issue \"own", i, ".test\"\n")
                       : absl::StrCat("h", i, " 300 A 192.0.2.1\n");
  }
  return out;
}

// h0 ... h299 under poll.test, every other one a subtree entry, and certspotter's
// "*.wild.poll.test" (its search starts at wild.poll.test).
watch::Watchlist HostList(int first = 0, int count = kHosts) {
  watch::Watchlist::Builder builder;
  for (int i = first; i < first + count; ++i) {
    builder.Add(
        watch::ParseWatchItem(absl::StrCat(i % 2 == 1 ? "." : "", "h", i, ".poll.test")).value());
  }
  builder.Add(watch::ParseWatchItem("*.wild.poll.test").value());
  return std::move(builder).Build();
}

class CaaPollIntegrationTest : public StoreFixture {
 protected:
  static void SetUpTestSuite() {
    auto server = KnotServer::Start({KnotZone{"poll.test", PollZone()}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreFixture::SetUp());
    auto proxy = DnsFaultProxy::Start(server_->port());
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = std::move(*proxy);
    caa::ResolverOptions options;
    options.servers = {proxy_->address()};
    options.dnssec = false;
    options.timeout = absl::Milliseconds(500);
    options.retries = 0;
    options.max_in_flight = 32;
    auto resolver = caa::UnboundResolver::Create(options, &clock_);
    ASSERT_TRUE(resolver.ok()) << resolver.status();
    resolver_ = std::move(*resolver);
    observer_ = std::make_unique<CaaObserver>(resolver_.get(), &store_->caa_history(), &clock_);
  }
  void TearDown() override { observer_.reset(); }

  std::vector<store::CaaObservationRecord> History(const std::string& name) {
    auto history =
        store_->caa_history().Observations(name, absl::InfinitePast(), absl::InfiniteFuture());
    EXPECT_TRUE(history.ok()) << history.status();
    return history.ok() ? *history : std::vector<store::CaaObservationRecord>{};
  }

  static KnotServer* server_;
  std::unique_ptr<DnsFaultProxy> proxy_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
  std::unique_ptr<caa::UnboundResolver> resolver_;
  std::unique_ptr<CaaObserver> observer_;
};

KnotServer* CaaPollIntegrationTest::server_ = nullptr;

TEST_F(CaaPollIntegrationTest, EveryWatchedNameAndEachParentIsLookedUpOnceAndRecorded) {
  CaaPollOptions options;
  options.batch_size = 64;  // Several batches, the last one partial.
  const absl::StatusOr<CaaPollStats> stats =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  // h0..h299, poll.test, test and wild.poll.test; not the literal "*.wild.poll.test".
  EXPECT_EQ(stats->names, static_cast<size_t>(kHosts + 3));
  EXPECT_EQ(stats->failures, 1u);  // "test": not this server's zone (REFUSED, so SERVFAIL).
  EXPECT_EQ(History("test").at(0).outcome(), "servfail");
  EXPECT_EQ(stats->new_observations, static_cast<size_t>(kHosts + 3));
  EXPECT_FALSE(stats->stopped);
  // The parent shared by 300 names is asked once per poll, as is each name.
  EXPECT_EQ(proxy_->Queries("poll.test").udp, 1);
  EXPECT_EQ(proxy_->Queries("wild.poll.test").udp, 1);
  EXPECT_EQ(proxy_->Queries("*.wild.poll.test").udp, 0);
  for (int i = 0; i < kHosts; ++i) {
    const std::string name = absl::StrCat("h", i, ".poll.test");
    EXPECT_EQ(proxy_->Queries(name).udp, 1) << name;
    const std::vector<store::CaaObservationRecord> history = History(name);
    ASSERT_EQ(history.size(), 1u) << name;
    EXPECT_EQ(history[0].outcome(), "noerror") << name;
    EXPECT_EQ(history[0].first_seen_ms(), absl::ToUnixMillis(clock_.Now()));
    if (i % 10 == 0) {
      ASSERT_EQ(history[0].records_size(), 1) << name;
      EXPECT_EQ(history[0].records(0).value(), absl::StrCat("own", i, ".test"));
    } else {
      EXPECT_EQ(history[0].records_size(), 0) << name;
    }
  }
  const std::vector<store::CaaObservationRecord> apex = History("poll.test");
  ASSERT_EQ(apex.size(), 1u);
  ASSERT_EQ(apex[0].records_size(), 1);
  EXPECT_EQ(apex[0].records(0).value(), "ca.test");
  EXPECT_EQ(History("wild.poll.test").at(0).outcome(), "nxdomain");

  // The next poll finds the same answers: each observation is extended, none started.
  clock_.Advance(absl::Hours(1));
  const absl::StatusOr<CaaPollStats> again =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->new_observations, 0u);
  const std::vector<store::CaaObservationRecord> h3 = History("h3.poll.test");
  ASSERT_EQ(h3.size(), 1u);
  EXPECT_EQ(h3[0].last_seen_ms(), absl::ToUnixMillis(clock_.Now()));
}

TEST_F(CaaPollIntegrationTest, FailedLookupsAreRecordedAsSuchAndTheOtherNamesStillAnswered) {
  proxy_->SetFault("h3.poll.test", DnsFault::kServFail);
  proxy_->SetFault("h4.poll.test", DnsFault::kDrop);
  const absl::StatusOr<CaaPollStats> stats =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->names, static_cast<size_t>(kHosts + 3));
  EXPECT_EQ(stats->failures, 3u);  // With "test", which this server does not serve.
  ASSERT_EQ(History("h3.poll.test").size(), 1u);
  EXPECT_EQ(History("h3.poll.test")[0].outcome(), "servfail");
  ASSERT_EQ(History("h4.poll.test").size(), 1u);
  EXPECT_EQ(History("h4.poll.test")[0].outcome(), "timeout");
  for (int i : {0, 2, 5, 299}) {
    const std::vector<store::CaaObservationRecord> history =
        History(absl::StrCat("h", i, ".poll.test"));
    ASSERT_EQ(history.size(), 1u) << i;
    EXPECT_EQ(history[0].outcome(), "noerror") << i;
  }
}

TEST_F(CaaPollIntegrationTest, NamesAlreadyOnTheOldListsSearchPathsAreNotAskedAgain) {
  const watch::Watchlist old_list = HostList(0, 100);
  const watch::Watchlist new_list = HostList(0, 120);  // 20 names added.
  const absl::StatusOr<CaaPollStats> stats =
      PollWatchlistCaa(new_list, &old_list, observer_.get(), nullptr);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->names, 20u);
  EXPECT_EQ(proxy_->Queries("poll.test").udp, 0);
  EXPECT_EQ(proxy_->Queries("h99.poll.test").udp, 0);
  EXPECT_EQ(proxy_->Queries("h100.poll.test").udp, 1);
  EXPECT_EQ(proxy_->Queries("h119.poll.test").udp, 1);
}

TEST_F(CaaPollIntegrationTest, StopEndsThePollAfterTheBatchInHand) {
  const watch::Watchlist list = HostList();
  std::string second_batch_name;  // The 60th name asked: in the second batch of 50.
  for (size_t i = 0, asked = 0; i < list.search_name_count(); ++i) {
    std::string name = list.SearchName(i);
    if (!name.empty() && ++asked == 60) {
      second_batch_name = std::move(name);
      break;
    }
  }
  ASSERT_FALSE(second_batch_name.empty());
  CaaPollOptions options;
  options.batch_size = 50;
  options.concurrency = 1;  // Batches one after the other, so "after" is well defined.
  options.stop = [&] { return !History(second_batch_name).empty(); };
  const absl::StatusOr<CaaPollStats> stats =
      PollWatchlistCaa(list, nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_TRUE(stats->stopped);
  EXPECT_EQ(stats->names, 100u);  // Two whole batches recorded, nothing after.
}

// A stop must not wait for a batch of timeouts: every query is dropped and would take
// (1 + retries) x timeout to give up.
TEST_F(CaaPollIntegrationTest, AStopCutsABatchWhoseLookupsAreStillWaitingAndRecordsNothing) {
  for (int i = 0; i < kHosts; ++i) {
    proxy_->SetFault(absl::StrCat("h", i, ".poll.test"), DnsFault::kDrop);
  }
  CaaPollOptions options;
  options.batch_size = 200;
  const absl::Time stop_at = absl::Now() + absl::Milliseconds(300);
  options.stop = [stop_at] { return absl::Now() >= stop_at; };
  const absl::Time start = absl::Now();
  const absl::StatusOr<CaaPollStats> stats =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(2));
  EXPECT_TRUE(stats->stopped);
  EXPECT_EQ(stats->names, 0u);
  EXPECT_TRUE(History("h0.poll.test").empty()) << "a cancelled lookup was recorded as failed";
  EXPECT_TRUE(History("poll.test").empty()) << "a batch cut short was recorded in part";
}

TEST_F(CaaPollIntegrationTest, ConcurrentBatchesAskEveryNameOnceAndRecordEveryAnswer) {
  CaaPollOptions options;
  options.batch_size = 7;  // 44 batches over 4 threads.
  options.concurrency = 4;
  const absl::StatusOr<CaaPollStats> stats =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(stats.ok()) << stats.status();
  EXPECT_EQ(stats->names, static_cast<size_t>(kHosts + 3));
  EXPECT_EQ(stats->new_observations, static_cast<size_t>(kHosts + 3));
  for (int i = 0; i < kHosts; ++i) {
    const std::string name = absl::StrCat("h", i, ".poll.test");
    EXPECT_EQ(proxy_->Queries(name).udp, 1) << name;
    EXPECT_EQ(History(name).size(), 1u) << name;
  }
  EXPECT_EQ(proxy_->Queries("poll.test").udp, 1);
}

// The poll ledger: a restart within the poll interval asks nothing again, a name whose last
// answer is older is asked, and a name whose lookup failed is asked at the next poll.
TEST_F(CaaPollIntegrationTest, NamesAnsweredWithinTheIntervalAreSkippedUntilTheyAreDue) {
  proxy_->SetFault("h4.poll.test", DnsFault::kDrop);
  CaaPollOptions options;
  options.batch_size = 64;
  options.ledger = &store_->caa_polls();
  options.clock = &clock_;
  options.fresh_for = absl::Minutes(54);
  const absl::Time first_poll = clock_.Now();
  const absl::StatusOr<CaaPollStats> first =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->names, static_cast<size_t>(kHosts + 3));
  EXPECT_EQ(first->skipped_fresh, 0u);
  EXPECT_EQ(first->oldest_skipped, absl::InfiniteFuture());
  proxy_->ClearFaults();
  const int h4_asked = proxy_->Queries("h4.poll.test").udp;  // unbound resent the dropped query.

  // 30 minutes later (a restart): only the failures are asked again, h4 and "test".
  clock_.Advance(absl::Minutes(30));
  const absl::StatusOr<CaaPollStats> restart =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(restart.ok()) << restart.status();
  EXPECT_EQ(restart->names, 2u);
  EXPECT_EQ(restart->skipped_fresh, static_cast<size_t>(kHosts + 1));
  EXPECT_EQ(restart->oldest_skipped, first_poll);
  EXPECT_EQ(proxy_->Queries("h3.poll.test").udp, 1);
  EXPECT_EQ(proxy_->Queries("poll.test").udp, 1);
  EXPECT_EQ(proxy_->Queries("h4.poll.test").udp, h4_asked + 1);
  ASSERT_EQ(History("h4.poll.test").size(), 2u);  // The timeout, then the answer.
  EXPECT_EQ(History("h4.poll.test")[1].outcome(), "noerror");

  // A name that was not asked at the first poll (added to the list) is asked.
  const absl::StatusOr<CaaPollStats> added =
      PollWatchlistCaa(HostList(0, kHosts + 1), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(added.ok()) << added.status();
  EXPECT_EQ(added->names, 2u);  // h300 and "test" (this server refuses it: never answered).
  EXPECT_EQ(proxy_->Queries(absl::StrCat("h", kHosts, ".poll.test")).udp, 1);

  // Past fresh_for after the first poll, its names are due; h4 (answered at the restart) not.
  clock_.Advance(absl::Minutes(25));
  const absl::StatusOr<CaaPollStats> due =
      PollWatchlistCaa(HostList(), nullptr, observer_.get(), nullptr, options);
  ASSERT_TRUE(due.ok()) << due.status();
  EXPECT_EQ(due->skipped_fresh, 1u);  // h4.
  EXPECT_EQ(due->names, static_cast<size_t>(kHosts + 2));
  EXPECT_EQ(proxy_->Queries("h3.poll.test").udp, 2);
  EXPECT_EQ(proxy_->Queries("h4.poll.test").udp, h4_asked + 1);
  // The ledger forgets what is older than fresh_for: only this poll and the restart's are kept.
  const absl::StatusOr<std::vector<store::CaaPolled>> kept =
      store_->caa_polls().PolledSince(absl::InfinitePast());
  ASSERT_TRUE(kept.ok()) << kept.status();
  for (const store::CaaPolled& record : *kept) {
    EXPECT_GE(record.polled_at, clock_.Now() - options.fresh_for);
  }
}

using CaaPollPassTest = StoreFixture;

// A poll that answered every search name of the list records the pass: a start with the same
// search names within fresh_for skips them without the ledger; another list, a failed name or
// an expired pass does not. Its own Knot serving "test" itself, so that every name answers.
TEST_F(CaaPollPassTest, ACompletePassOfTheSameListIsRecognisedWithoutTheLedger) {
  auto server = KnotServer::Start({KnotZone{"test", "poll 600 CAA 0 issue \"ca.test\"\n"}});
  ASSERT_TRUE(server.ok()) << server.status();
  auto proxy = DnsFaultProxy::Start((*server)->port());
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  FakeClock clock(absl::FromUnixSeconds(1'800'000'000));
  caa::ResolverOptions resolver_options;
  resolver_options.servers = {(*proxy)->address()};
  resolver_options.dnssec = false;
  resolver_options.timeout = absl::Milliseconds(500);
  resolver_options.retries = 0;
  auto resolver = caa::UnboundResolver::Create(resolver_options, &clock);
  ASSERT_TRUE(resolver.ok()) << resolver.status();
  CaaObserver observer(resolver->get(), &store_->caa_history(), &clock);
  CaaPollOptions options;
  options.ledger = &store_->caa_polls();
  options.clock = &clock;
  options.fresh_for = absl::Minutes(54);
  options.progress_every = 10;
  const Logger logger(LogLevel::kInfo);
  const auto hosts = [](int count) {
    watch::Watchlist::Builder builder;
    for (int i = 0; i < count; ++i)
      builder.Add(watch::ParseWatchItem(absl::StrCat("h", i, ".poll.test")).value());
    return std::move(builder).Build();
  };
  const auto poll = [&](const watch::Watchlist& list) {
    absl::StatusOr<CaaPollStats> stats =
        PollWatchlistCaa(list, nullptr, &observer, &logger, options);
    EXPECT_TRUE(stats.ok()) << stats.status();
    return stats.ok() ? *stats : CaaPollStats{};
  };

  // A failed name: no pass.
  (*proxy)->SetFault("h3.poll.test", DnsFault::kServFail);
  EXPECT_EQ(poll(hosts(20)).failures, 1u);
  EXPECT_FALSE(store_->caa_polls().LastPass()->has_value());
  (*proxy)->ClearFaults();

  // Every name answers (h3 again, the rest skipped by the ledger): the pass is recorded from
  // the oldest skipped answer.
  const absl::Time first_answers = clock.Now();
  clock.Advance(absl::Minutes(5));
  ::testing::internal::CaptureStderr();
  const CaaPollStats complete = poll(hosts(20));
  EXPECT_THAT(::testing::internal::GetCapturedStderr(), HasSubstr("poll done: 1 of at most 23"));
  EXPECT_EQ(complete.names, 1u);
  // Polled name by name against the ledger (as the supervisor polls the names discovered under
  // watched subtrees at every wake-up), every name is fresh: nothing asked, and no "poll done:
  // 0 of N" line at INFO each time (the soak logged 79 of them in five minutes).
  {
    const watch::Watchlist none = hosts(0);
    ::testing::internal::CaptureStderr();
    absl::StatusOr<CaaPollStats> fresh =
        PollWatchlistCaa(hosts(20), &none, &observer, &logger, options);
    EXPECT_THAT(::testing::internal::GetCapturedStderr(), Not(HasSubstr("poll done")));
    ASSERT_TRUE(fresh.ok()) << fresh.status();
    EXPECT_EQ(fresh->names, 0u);
    EXPECT_EQ(fresh->skipped_fresh, 22u);
  }
  EXPECT_EQ(complete.failures, 0u);
  auto pass = store_->caa_polls().LastPass();
  ASSERT_TRUE(pass.ok() && pass->has_value());
  EXPECT_EQ((*pass)->started_at, first_answers);

  // The same search names (the ledger emptied, so only the pass can say so): nothing asked.
  ASSERT_TRUE(store_->caa_polls().ForgetPolledBefore(absl::InfiniteFuture()).ok());
  const int asked = (*proxy)->Queries("h7.poll.test").udp;
  clock.Advance(absl::Minutes(10));
  const CaaPollStats again = poll(hosts(20));
  EXPECT_EQ(again.names, 0u);
  EXPECT_EQ(again.skipped_fresh, 22u);  // h0..h19, poll.test, test.
  EXPECT_EQ(again.oldest_skipped, first_answers);
  EXPECT_EQ((*proxy)->Queries("h7.poll.test").udp, asked);

  // Another list (one name more): not the pass's; with no ledger left every name is asked.
  EXPECT_EQ(poll(hosts(21)).names, 23u);
  // And after fresh_for the pass has expired too.
  clock.Advance(absl::Hours(1));
  EXPECT_EQ(poll(hosts(21)).names, 23u);
}

TEST(PolledNameHashTest, IsXxh3SoThatTheLedgerReadsTheSameAcrossBuilds) {
  // XXH3_64bits with seed 0: the empty input is xxHash's published sanity value; the others
  // were computed once and pinned, so that a change of hash shows here, not as a silent re-poll.
  EXPECT_EQ(PolledNameHash(""), 0x2d06800538d394c2ULL);
  EXPECT_EQ(PolledNameHash("a"), 0xe6c632b61e964e1fULL);
  EXPECT_EQ(PolledNameHash("example.com"), 0x8b66107e8045bb73ULL);
}

// What a build before the change of hash wrote: the ledger keyed by 64-bit FNV-1a.
uint64_t OldFnv1a64(absl::string_view bytes) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (const char c : bytes) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

using CaaPollLedgerMigrationTest = StoreFixture;

TEST_F(CaaPollLedgerMigrationTest, AnOlderBuildsRecordsMakeNoNameSkipItsPoll) {
  const absl::Time polled = absl::FromUnixSeconds(1'800'000'000);
  ASSERT_TRUE(store_->caa_polls().RecordPolled(polled, {OldFnv1a64("example.com")}).ok());
  ASSERT_TRUE(store_->caa_polls().RecordPolled(polled, {PolledNameHash("shop.example.com")}).ok());

  auto ledger = CaaPollLedger::Load(&store_->caa_polls(), polled - absl::Hours(1));
  ASSERT_TRUE(ledger.ok()) << ledger.status();
  EXPECT_EQ(ledger->PolledAt("example.com"), std::nullopt);  // Asked again, not skipped.
  EXPECT_EQ(ledger->PolledAt("shop.example.com"), polled);
}

}  // namespace
}  // namespace caawatch::judge
