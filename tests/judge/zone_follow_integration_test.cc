// Following a zone like a secondary (issue 18), against a real Knot DNS primary with TSIG and
// NOTIFY to caawatch's listener: a knsupdate change to the CAA of a deep subdomain reaches the
// CAA history after the NOTIFY with its serial (the delay is printed, not asserted); the
// reconstructed history of a never-looked-up name below it follows the change; a wrong TSIG
// key, a malformed transfer and a NOTIFY from a stranger change nothing; a primary whose
// increments do not fit the copy held is transferred whole; a tampered signed CAA RRset is
// recorded bogus.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "judge/notify_listener.h"
#include "judge/zone_cross_check.h"
#include "judge/zone_follower.h"
#include "judge/zone_followers.h"
#include "judge/zone_history.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::judge {
namespace {

using ::testing::HasSubstr;

constexpr char kZone[] = "owned.test";
constexpr char kKeyName[] = "owned-key";
constexpr char kSecret[] = "b3duZWQgem9uZSB0cmFuc2ZlciBrZXkgb2YgdGhlIHRlc3Qh";
constexpr char kOtherSecret[] = "YW5vdGhlciBzZWNyZXQgdGhhdCB0aGUgcHJpbWFyeSBkb2VzIG5vdCBrbm93";
const absl::Duration kMaxGap = absl::Hours(2);

std::vector<store::CaaObservationRecord> ZoneRecords(store::Store* store, const std::string& name) {
  absl::StatusOr<std::vector<store::CaaObservationRecord>> all =
      store->caa_history().Observations(name, absl::InfinitePast(), absl::InfiniteFuture());
  EXPECT_TRUE(all.ok()) << all.status();
  std::vector<store::CaaObservationRecord> out;
  if (!all.ok()) return {};
  for (const store::CaaObservationRecord& r : *all) {
    if (r.basis() == "zone") out.push_back(r);
  }
  return out;
}

std::string Values(const store::CaaObservationRecord& r) {
  std::string out;
  for (const store::CaaRecordPb& pb : r.records())
    absl::StrAppend(&out, pb.tag(), "=", pb.value(), ";");
  return out;
}

std::string Values(const caa::CaaAnswer& a) {
  std::string out;
  for (const caa::CaaRecord& c : a.records) absl::StrAppend(&out, c.tag, "=", c.value, ";");
  return out;
}

FollowedZoneSettings Settings(const fakes::KnotServer& knot, const std::string& secret) {
  FollowedZoneSettings s;
  s.zone = kZone;
  s.primaries = {knot.address()};
  s.tsig = caa::TsigKey{kKeyName, "hmac-sha256", secret};
  s.transfer_timeout = absl::Seconds(10);
  return s;
}

// A TCP "primary" that answers every query with a DNS message cut short.
class GarbagePrimary {
 public:
  GarbagePrimary() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
    listen(fd_, 4);
    socklen_t len = sizeof(addr);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
    thread_ = std::thread([this] {
      while (true) {
        const int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;
        char query[512];
        recv(c, query, sizeof(query), 0);
        // Length 40, then 12 bytes of a header and nothing more.
        const char answer[] = {0, 40, query[2], query[3], static_cast<char>(0x84), 0, 0, 1, 0, 1,
                               0, 0,  0,        0};
        send(c, answer, sizeof(answer), MSG_NOSIGNAL);
        close(c);
      }
    });
  }
  ~GarbagePrimary() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    thread_.join();
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

// A NOTIFY for `zone` (RFC 1996: opcode 4, AA, the zone's SOA as the question), unsigned.
std::vector<uint8_t> NotifyQuery(const std::string& zone) {
  std::vector<uint8_t> m = {0x12, 0x34, 0x24, 0x00, 0, 1, 0, 0, 0, 0, 0, 0};
  size_t start = 0;
  while (start <= zone.size()) {
    size_t dot = zone.find('.', start);
    if (dot == std::string::npos) dot = zone.size();
    m.push_back(static_cast<uint8_t>(dot - start));
    m.insert(m.end(), zone.begin() + start, zone.begin() + dot);
    start = dot + 1;
  }
  m.insert(m.end(), {0, 0, 6, 0, 1});
  return m;
}

// Sends `message` over UDP from `source_ip` (any 127/8 address is local) to `to_port`.
void SendUdp(const std::string& source_ip, int to_port, const std::vector<uint8_t>& message) {
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  sockaddr_in from{};
  from.sin_family = AF_INET;
  inet_pton(AF_INET, source_ip.c_str(), &from.sin_addr);
  ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr*>(&from), sizeof(from)), 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  to.sin_port = htons(static_cast<uint16_t>(to_port));
  sendto(fd, message.data(), message.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to));
  close(fd);
}

class ZoneFollowTest : public StoreFixture {
 protected:
  void SetUp() override {
    StoreFixture::SetUp();
    absl::StatusOr<std::unique_ptr<fakes::KnotServer>> knot = fakes::KnotServer::Start(
        {{.origin = kZone,
          .records = "@ CAA 0 issue \"letsencrypt.org\"\n"
                     "deep.a.b CAA 0 issue \"pki.goog\"\n"
                     "www CNAME deep.a.b\n",
          .allow_updates = true,
          .transfer_key = absl::StrCat("hmac-sha256:", kKeyName, ":", kSecret)}});
    ASSERT_TRUE(knot.ok()) << knot.status();
    knot_ = *std::move(knot);
  }

  RealClock clock_;
  Logger logger_{LogLevel::kDebug};
  std::unique_ptr<fakes::KnotServer> knot_;
};

TEST_F(ZoneFollowTest, ANotifiedChangeToADeepSubdomainIsRecordedWithItsSerial) {
  ZoneFollowers followers({Settings(*knot_, kSecret)}, store_.get(), &clock_, &logger_, kMaxGap,
                          {});
  followers.RefreshDue();
  ASSERT_EQ(followers.Status()[0].last_error, "");
  ASSERT_EQ(followers.Status()[0].serial, 1u);
  // The first transfer recorded every owner of CAA, CNAME or DNAME, and the apex.
  std::vector<store::CaaObservationRecord> deep = ZoneRecords(store_.get(), "deep.a.b.owned.test");
  ASSERT_EQ(deep.size(), 1u);
  EXPECT_EQ(Values(deep[0]), "issue=pki.goog;");
  EXPECT_EQ(deep[0].zone_serial(), 1u);
  EXPECT_EQ(deep[0].zone(), kZone);
  std::vector<store::CaaObservationRecord> www = ZoneRecords(store_.get(), "www.owned.test");
  ASSERT_EQ(www.size(), 1u);
  ASSERT_EQ(www[0].cname_chain_size(), 1);
  EXPECT_EQ(www[0].cname_chain(0), "deep.a.b.owned.test");
  ASSERT_EQ(ZoneRecords(store_.get(), kZone).size(), 1u);

  // Port 0, then Knot is told the port: one picked in advance could be taken meanwhile.
  absl::StatusOr<std::unique_ptr<NotifyListener>> listener =
      NotifyListener::Start("127.0.0.1:0", &followers, &logger_);
  ASSERT_TRUE(listener.ok()) << listener.status();
  ASSERT_TRUE(knot_->SetNotifyTo(kZone, (*listener)->address()).ok()) << knot_->log();
  followers.Start();

  const absl::Time changed = absl::Now();
  ASSERT_TRUE(knot_
                  ->Update(kZone,
                           "update delete deep.a.b.owned.test. CAA\n"
                           "update add deep.a.b.owned.test. 300 CAA 0 issue \"sectigo.com\"\n")
                  .ok());
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (ZoneRecords(store_.get(), "deep.a.b.owned.test").size() < 2 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(5));
  }
  const absl::Time recorded = absl::Now();
  deep = ZoneRecords(store_.get(), "deep.a.b.owned.test");
  ASSERT_EQ(deep.size(), 2u) << knot_->log();
  const ZoneFollowStatus status = followers.Status()[0];
  ASSERT_NE(status.last_notify, absl::InfinitePast()) << "no NOTIFY accepted";
  std::cout << "[ measured ] update answered -> in the CAA history: "
            << absl::FormatDuration(recorded - changed) << "; NOTIFY accepted -> recorded: "
            << absl::FormatDuration(recorded - status.last_notify) << "\n";
  EXPECT_EQ(Values(deep[1]), "issue=sectigo.com;");
  EXPECT_GT(deep[1].zone_serial(), 1u);
  EXPECT_EQ(deep[1].zone_serial(), status.serial);
  EXPECT_EQ(status.incremental_transfers, 1u);

  // A name below it that nobody ever looked up has a history all the same: empty (its own
  // CAA), before and after; and the alias www follows its target.
  ZoneHistory history(store_.get(), {kZone}, kMaxGap);
  absl::StatusOr<std::vector<ZoneObservation>> below = history.History("x.deep.a.b.owned.test");
  ASSERT_TRUE(below.ok()) << below.status();
  ASSERT_EQ(below->size(), 1u);
  EXPECT_TRUE((*below)[0].observation.answer.records.empty());
  absl::StatusOr<std::vector<ZoneObservation>> aliased = history.History("www.owned.test");
  ASSERT_TRUE(aliased.ok()) << aliased.status();
  ASSERT_EQ(aliased->size(), 2u);
  EXPECT_EQ(Values((*aliased)[0].observation.answer), "issue=pki.goog;");
  EXPECT_EQ(Values((*aliased)[1].observation.answer), "issue=sectigo.com;");
  EXPECT_EQ((*aliased)[1].observation.answer.cname_chain,
            std::vector<std::string>{"deep.a.b.owned.test"});
  EXPECT_EQ((*aliased)[1].serial, status.serial);
  // Contiguous: the first state holds until the change was seen.
  EXPECT_EQ((*aliased)[0].observation.last_seen + absl::Milliseconds(1),
            (*aliased)[1].observation.first_seen);
  followers.Stop();
}

TEST_F(ZoneFollowTest, AWrongKeyAMalformedTransferAndAStrangersNotifyChangeNothing) {
  ZoneFollowers wrong_key({Settings(*knot_, kOtherSecret)}, store_.get(), &clock_, &logger_,
                          kMaxGap, {});
  wrong_key.RefreshDue();
  EXPECT_THAT(wrong_key.Status()[0].last_error, HasSubstr("TSIG"));
  EXPECT_FALSE(wrong_key.Status()[0].serial.has_value());

  GarbagePrimary garbage;
  FollowedZoneSettings bad = Settings(*knot_, kSecret);
  bad.primaries = {garbage.address()};
  ZoneFollowers malformed({bad}, store_.get(), &clock_, &logger_, kMaxGap, {});
  malformed.RefreshDue();
  EXPECT_NE(malformed.Status()[0].last_error, "");
  EXPECT_FALSE(malformed.Status()[0].serial.has_value());
  EXPECT_TRUE(ZoneRecords(store_.get(), kZone).empty());
  EXPECT_TRUE(ZoneRecords(store_.get(), "deep.a.b.owned.test").empty());

  // Following properly, a NOTIFY from an address that is not the primary, one unsigned from
  // the primary's address, and a datagram that is no DNS message at all are refused: no
  // refresh, no change.
  ZoneFollowers followers({Settings(*knot_, kSecret)}, store_.get(), &clock_, &logger_, kMaxGap,
                          {});
  followers.RefreshDue();
  ASSERT_EQ(followers.Status()[0].serial, 1u);
  const ZoneFollowStatus before = followers.Status()[0];
  absl::StatusOr<std::unique_ptr<NotifyListener>> listener =
      NotifyListener::Start("127.0.0.1:0", &followers, &logger_);
  ASSERT_TRUE(listener.ok()) << listener.status();
  const std::string& address = (*listener)->address();
  int notify_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(address.substr(address.rfind(':') + 1), &notify_port)) << address;
  SendUdp("127.0.0.2", notify_port, NotifyQuery(kZone));
  SendUdp("127.0.0.1", notify_port, NotifyQuery(kZone));
  SendUdp("127.0.0.1", notify_port, {0xde, 0xad});
  const absl::Time deadline = absl::Now() + absl::Seconds(10);
  while ((*listener)->refused() < 3 && absl::Now() < deadline)
    absl::SleepFor(absl::Milliseconds(5));
  ASSERT_EQ((*listener)->refused(), 3u);
  EXPECT_EQ((*listener)->accepted(), 0u);
  const ZoneFollowStatus after = followers.Status()[0];
  EXPECT_EQ(after.last_notify, absl::InfinitePast());
  EXPECT_LE(followers.Status()[0].next_refresh, before.next_refresh);
  EXPECT_GT(followers.Status()[0].next_refresh, absl::Now());  // Not woken.
  EXPECT_EQ(ZoneRecords(store_.get(), "deep.a.b.owned.test").size(), 1u);
}

TEST_F(ZoneFollowTest, IncrementsThatDoNotFitTheCopyHeldFallBackToTheWholeZone) {
  // The same zone at serial 1 with other content, on a second primary that then changes it:
  // its increment from 1 removes a record the copy held never had.
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> other = fakes::KnotServer::Start(
      {{.origin = kZone,
        .records = "@ CAA 0 issue \"letsencrypt.org\"\n"
                   "deep.a.b CAA 0 issue \"digicert.com\"\n",
        .allow_updates = true,
        .transfer_key = absl::StrCat("hmac-sha256:", kKeyName, ":", kSecret)}});
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_TRUE((*other)
                  ->Update(kZone,
                           "update delete deep.a.b.owned.test. CAA\n"
                           "update add deep.a.b.owned.test. 300 CAA 0 issue \"sectigo.com\"\n")
                  .ok());
  // The real check: a follower whose copy came from the first primary IXFRs from the second.
  FollowedZoneSettings failover = Settings(*knot_, kSecret);
  failover.primaries = {knot_->address(), (*other)->address()};
  ZoneFollower f(failover, store_.get(), &clock_, kMaxGap, {});
  ASSERT_TRUE(f.Refresh().ok());  // AXFR from the first primary, serial 1.
  knot_.reset();                  // The first primary is gone: the next refresh uses the other.
  absl::Status refreshed = f.Refresh();
  ASSERT_TRUE(refreshed.ok()) << refreshed;
  const ZoneFollowStatus status = f.status();
  EXPECT_EQ(status.full_transfers, 2u);  // The first AXFR, and the fallback.
  EXPECT_EQ(status.incremental_transfers, 0u);
  EXPECT_GT(status.serial.value_or(0), 1u);
  std::vector<store::CaaObservationRecord> deep = ZoneRecords(store_.get(), "deep.a.b.owned.test");
  ASSERT_FALSE(deep.empty());
  EXPECT_EQ(Values(deep.back()), "issue=sectigo.com;");
}

TEST_F(ZoneFollowTest, ALookupThatDisagreesWithTheZoneIsSaidSoOnceTheTtlHasPassed) {
  ZoneFollowers followers({Settings(*knot_, kSecret)}, store_.get(), &clock_, &logger_, kMaxGap,
                          {});
  followers.RefreshDue();
  ASSERT_EQ(followers.Status()[0].serial, 1u);
  const absl::Time followed = followers.Status()[0].last_transfer;
  ZoneHistory history(store_.get(), {kZone}, kMaxGap);
  // What a resolver answered for deep.a.b.owned.test: something else than the zone (a
  // primary that serves the world another zone) within the TTL of the zone's state (3600 s),
  // what the zone holds, then again something else two hours after the state began.
  const auto lookup = [&](const std::string& value, absl::Time at) {
    store::CaaObservationRecord r;
    r.set_query_name("deep.a.b.owned.test");
    r.set_first_seen_ms(absl::ToUnixMillis(at));
    r.set_last_seen_ms(absl::ToUnixMillis(at));
    r.set_outcome("noerror");
    r.set_dnssec("indeterminate");
    r.set_ttl(300);
    store::CaaRecordPb* pb = r.add_records();
    pb->set_tag("issue");
    pb->set_value(value);
    ASSERT_TRUE(store_->caa_history().Record(r, kMaxGap).ok());
  };
  // The zone's state holds from `followed` to its last confirmation: refreshes 90 and 180
  // minutes later confirm it.
  for (const absl::Duration later : {absl::Minutes(90), absl::Minutes(180)}) {
    store::CaaObservationRecord apex = ZoneRecords(store_.get(), kZone).back();
    apex.set_first_seen_ms(absl::ToUnixMillis(followed + later));
    apex.set_last_seen_ms(apex.first_seen_ms());
    ASSERT_TRUE(store_->caa_history().Record(apex, kMaxGap).ok());
  }

  lookup("letsencrypt.org", followed + absl::Minutes(10));
  absl::StatusOr<std::optional<std::string>> check =
      CrossCheckLookup(history, store_.get(), "deep.a.b.owned.test");
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_FALSE(check->has_value()) << **check;  // Within the TTL: maybe a cache.
  lookup("pki.goog", followed + absl::Minutes(30));
  check = CrossCheckLookup(history, store_.get(), "deep.a.b.owned.test");
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->has_value()) << **check;  // Agrees.
  lookup("letsencrypt.org", followed + absl::Minutes(120));
  check = CrossCheckLookup(history, store_.get(), "deep.a.b.owned.test");
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(check->has_value());
  EXPECT_THAT(**check, HasSubstr("letsencrypt.org"));
  EXPECT_THAT(**check, HasSubstr("followed zone owned.test at serial 1: 0 issue \"pki.goog\""));
  // Outside the followed zones nothing is compared.
  check = CrossCheckLookup(history, store_.get(), "elsewhere.test");
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->has_value());
}

TEST(ZoneFollowSignedTest, ATamperedSignedCaaRrsetIsRecordedBogus) {
  constexpr char kKey[] = "hmac-sha256:signed-key:c2lnbmVkIHpvbmUga2V5IG9mIHRoZSB0ZXN0IHN1aXRlIQ==";
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> knot = fakes::KnotServer::Start(
      {{.origin = "tampered.test",
        .records = "@ CAA 0 issue \"letsencrypt.org\"\nsub CAA 0 issue \"pki.goog\"\n",
        .signing = fakes::ZoneSigning::kBrokenCaaSignature,
        .transfer_key = kKey},
       {.origin = "signed.test",
        .records = "@ CAA 0 issue \"letsencrypt.org\"\nsub CAA 0 issue \"pki.goog\"\n",
        .signing = fakes::ZoneSigning::kSigned,
        .transfer_key = kKey}});
  ASSERT_TRUE(knot.ok()) << knot.status();
  std::stringstream anchors;
  anchors << std::ifstream((*knot)->trust_anchor_file()).rdbuf();
  TempDir dir("zone_follow_signed");
  absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(dir.string());
  ASSERT_TRUE(store.ok()) << store.status();
  RealClock clock;
  for (const std::string zone : {"tampered.test", "signed.test"}) {
    FollowedZoneSettings s;
    s.zone = zone;
    s.primaries = {(*knot)->address()};
    s.tsig = caa::TsigKey{"signed-key", "hmac-sha256",
                          "c2lnbmVkIHpvbmUga2V5IG9mIHRoZSB0ZXN0IHN1aXRlIQ=="};
    absl::StatusOr<std::vector<caa::DsRecord>> ds = caa::ParseDsRecords(anchors.str(), zone);
    ASSERT_TRUE(ds.ok() && !ds->empty()) << zone;
    s.ds = *ds;
    ZoneFollower follower(s, store->get(), &clock, kMaxGap, {});
    ASSERT_TRUE(follower.Refresh().ok());
  }
  std::vector<store::CaaObservationRecord> sub = ZoneRecords(store->get(), "sub.tampered.test");
  ASSERT_EQ(sub.size(), 1u);
  EXPECT_EQ(sub[0].outcome(), "bogus");
  EXPECT_EQ(sub[0].dnssec(), "bogus");
  EXPECT_NE(sub[0].error(), "");
  std::vector<store::CaaObservationRecord> good = ZoneRecords(store->get(), "signed.test");
  ASSERT_EQ(good.size(), 1u);
  EXPECT_EQ(good[0].outcome(), "noerror");
  EXPECT_EQ(good[0].dnssec(), "secure");

  // Signatures expire without the zone changing: a refresh after their expiry (an IXFR that
  // finds the zone up to date) records the RRsets bogus.
  {
    FakeClock later(absl::Now());
    FollowedZoneSettings s;
    s.zone = "signed.test";
    s.primaries = {(*knot)->address()};
    s.tsig = caa::TsigKey{"signed-key", "hmac-sha256",
                          "c2lnbmVkIHpvbmUga2V5IG9mIHRoZSB0ZXN0IHN1aXRlIQ=="};
    s.ds = *caa::ParseDsRecords(anchors.str(), "signed.test");
    ZoneFollower follower(s, store->get(), &later, kMaxGap, {});
    ASSERT_TRUE(follower.Refresh().ok());
    later.Advance(absl::Hours(24 * 400));
    ASSERT_TRUE(follower.Refresh().ok());
    EXPECT_EQ(follower.status().incremental_transfers, 0u);  // Nothing changed in the zone.
    std::vector<store::CaaObservationRecord> expired = ZoneRecords(store->get(), "sub.signed.test");
    ASSERT_FALSE(expired.empty());
    EXPECT_EQ(expired.back().dnssec(), "bogus") << expired.back().error();
    EXPECT_EQ(expired.back().outcome(), "bogus");
  }

  // Not believed: the answer for a name there is a failure, never the tampered policy.
  ZoneHistory history(store->get(), {"tampered.test", "signed.test"}, kMaxGap);
  absl::StatusOr<std::vector<ZoneObservation>> h = history.History("www.sub.tampered.test");
  ASSERT_TRUE(h.ok());
  absl::StatusOr<std::vector<ZoneObservation>> s = history.History("sub.tampered.test");
  ASSERT_TRUE(s.ok());
  ASSERT_EQ(s->size(), 1u);
  EXPECT_FALSE((*s)[0].observation.answer.is_answer());
  EXPECT_EQ((*s)[0].observation.answer.dnssec, caa::DnssecStatus::kBogus);
}

}  // namespace
}  // namespace caawatch::judge
