// NOTIFY from a real Knot DNS primary: after an RFC 2136 update Knot notifies the test's socket,
// signed with the zone's TSIG key; AnswerNotify accepts it with the new serial and Knot takes the
// signed answer. The same datagram from an address that is not the primary, checked against another
// secret, for a zone not followed, or unsigned where a key is configured is refused with the right
// answer; malformed datagrams are refused with none.
#include "caa/zone_notify.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/loopback.h"

namespace caawatch::caa {
namespace {

using ::testing::HasSubstr;

constexpr char kZone[] = "notify.test";
constexpr char kKeyName[] = "notify-key";
constexpr char kSecret[] = "bm90aWZ5IGtleSBvZiB0aGUgdGVzdCwgMzIgYnl0ZXMgbG9uZyE=";

// Where Knot sends its NOTIFYs: a UDP socket and a TCP listener on one port of 127.0.0.1
// (Knot 3.2 sends NOTIFY over TCP; RFC 1996 allows either).
class NotifyInbox {
 public:
  NotifyInbox() {
    absl::StatusOr<fakes::LoopbackUdpAndTcp> sockets = fakes::BindUdpAndTcpOnLoopback(4);
    EXPECT_TRUE(sockets.ok()) << sockets.status();
    if (!sockets.ok()) return;
    udp_ = sockets->udp;
    tcp_ = sockets->tcp;
    port_ = sockets->port;
  }
  ~NotifyInbox() {
    close(udp_);
    close(tcp_);
    if (conn_ >= 0) close(conn_);
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

  // The next NOTIFY within `timeout` and the address it came from; false if none came.
  bool Receive(absl::Duration timeout, std::vector<uint8_t>* datagram, std::string* source) {
    if (conn_ >= 0) close(conn_);
    conn_ = -1;
    pollfd p[2] = {{udp_, POLLIN, 0}, {tcp_, POLLIN, 0}};
    if (poll(p, 2, static_cast<int>(absl::ToInt64Milliseconds(timeout))) < 1) return false;
    sockaddr_in from{};
    socklen_t len = sizeof(from);
    if (p[0].revents & POLLIN) {
      datagram->resize(65535);
      const ssize_t n = recvfrom(udp_, datagram->data(), datagram->size(), 0,
                                 reinterpret_cast<sockaddr*>(&from), &len);
      if (n <= 0) return false;
      datagram->resize(static_cast<size_t>(n));
      udp_peer_ = from;
    } else {
      conn_ = accept(tcp_, reinterpret_cast<sockaddr*>(&from), &len);
      unsigned char prefix[2];
      if (conn_ < 0 || recv(conn_, prefix, 2, MSG_WAITALL) != 2) return false;
      datagram->resize((prefix[0] << 8) | prefix[1]);
      if (recv(conn_, datagram->data(), datagram->size(), MSG_WAITALL) !=
          static_cast<ssize_t>(datagram->size())) {
        return false;
      }
    }
    char text[INET_ADDRSTRLEN];
    *source = inet_ntop(AF_INET, &from.sin_addr, text, sizeof(text));
    return true;
  }
  // Answers the NOTIFY received last, the way it came.
  void Reply(const std::vector<uint8_t>& reply) {
    if (conn_ >= 0) {
      const unsigned char prefix[2] = {static_cast<unsigned char>(reply.size() >> 8),
                                       static_cast<unsigned char>(reply.size() & 0xff)};
      send(conn_, prefix, 2, MSG_NOSIGNAL);
      send(conn_, reply.data(), reply.size(), MSG_NOSIGNAL);
    } else {
      sendto(udp_, reply.data(), reply.size(), 0, reinterpret_cast<const sockaddr*>(&udp_peer_),
             sizeof(udp_peer_));
    }
  }

 private:
  int udp_ = -1;
  int tcp_ = -1;
  int conn_ = -1;
  int port_ = 0;
  sockaddr_in udp_peer_{};
};

NotifySource Followed(const std::string& secret = kSecret) {
  return {kZone, {"127.0.0.1"}, TsigKey{kKeyName, "hmac-sha256", secret}};
}

int Rcode(const std::vector<uint8_t>& reply) { return reply.size() >= 4 ? reply[3] & 0x0f : -1; }

// A NOTIFY for `zone` as a primary without a key sends it: header, question (zone, SOA, IN).
std::vector<uint8_t> UnsignedNotify(const std::string& zone) {
  std::vector<uint8_t> out = {0x12, 0x34, 0x20 | 0x04, 0, 0, 1, 0, 0, 0, 0, 0, 0};
  size_t start = 0;
  for (size_t dot = 0; dot != std::string::npos; start = dot + 1) {
    dot = zone.find('.', start);
    const std::string label = zone.substr(start, dot - start);
    out.push_back(static_cast<uint8_t>(label.size()));
    out.insert(out.end(), label.begin(), label.end());
  }
  out.insert(out.end(), {0, 0, 6, 0, 1});
  return out;
}

TEST(ZoneNotifyTest, KnotsSignedNotifyIsAcceptedAndEveryImpostorRefused) {
  NotifyInbox inbox;
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> knot = fakes::KnotServer::Start(
      {{.origin = kZone,
        .records = "@ CAA 0 issue \"letsencrypt.org\"\n",
        .allow_updates = true,
        .transfer_key = absl::StrCat("hmac-sha256:", kKeyName, ":", kSecret),
        .notify_to = inbox.address()}});
  ASSERT_TRUE(knot.ok()) << knot.status();
  std::vector<uint8_t> datagram;
  std::string source;
  // Knot notifies once at start: answered here, else it waits 5 s for the answer.
  if (inbox.Receive(absl::Seconds(2), &datagram, &source)) {
    inbox.Reply(AnswerNotify(datagram, source, {Followed()}).reply);
  }
  ASSERT_TRUE(
      (*knot)->Update(kZone, "update add deep.notify.test. 300 CAA 0 issue \"pki.goog\"\n").ok());

  // Every NOTIFY is answered until serial 2's.
  NotifyOutcome accepted;
  for (absl::Time deadline = absl::Now() + absl::Seconds(20);
       !(accepted.status.ok() && accepted.serial == 2u);) {
    ASSERT_LT(absl::Now(), deadline) << "no NOTIFY for serial 2; knotd log:\n" << (*knot)->log();
    if (!inbox.Receive(absl::Seconds(1), &datagram, &source)) continue;
    accepted = AnswerNotify(datagram, source, {Followed()});
    ASSERT_TRUE(accepted.status.ok()) << accepted.status;
    EXPECT_EQ(accepted.zone, kZone);
    EXPECT_EQ(Rcode(accepted.reply), 0);
    inbox.Reply(accepted.reply);
  }
  // Knot checks the answer's TSIG and logs the NOTIFY as done ("serial 2"), or as failed.
  std::string line;
  for (absl::Time deadline = absl::Now() + absl::Seconds(10); line.empty();) {
    for (absl::string_view l : absl::StrSplit((*knot)->log(), '\n')) {
      if (absl::StrContains(l, "notify, outgoing") && absl::StrContains(l, "serial 2")) {
        line = std::string(l);
      }
    }
    ASSERT_TRUE(!line.empty() || absl::Now() < deadline) << (*knot)->log();
    absl::SleepFor(absl::Milliseconds(50));
  }
  EXPECT_THAT(line, ::testing::Not(HasSubstr("failed"))) << (*knot)->log();

  // The same datagram from elsewhere, checked with another secret, for another zone.
  NotifyOutcome elsewhere = AnswerNotify(datagram, "192.0.2.7", {Followed()});
  EXPECT_EQ(elsewhere.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(elsewhere.status.message()), HasSubstr("not one of its primaries"));
  EXPECT_EQ(Rcode(elsewhere.reply), 5);  // REFUSED

  NotifyOutcome forged = AnswerNotify(
      datagram, source, {Followed("b3RoZXIgc2VjcmV0IG9mIHRoZSBub3RpZnkga2V5LCBieXRlcyE=")});
  EXPECT_EQ(forged.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(forged.status.message()), HasSubstr("fails its TSIG check"));
  EXPECT_EQ(Rcode(forged.reply), 9);  // NOTAUTH, with TSIG error BADSIG

  NotifyOutcome unfollowed =
      AnswerNotify(datagram, source, {{"other.test", {"127.0.0.1"}, std::nullopt}});
  EXPECT_EQ(unfollowed.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_EQ(Rcode(unfollowed.reply), 9);

  // Unsigned, for a zone with a key: refused. Without a key configured: accepted.
  const std::vector<uint8_t> plain = UnsignedNotify(kZone);
  NotifyOutcome unsigned_notify = AnswerNotify(plain, "127.0.0.1", {Followed()});
  EXPECT_EQ(unsigned_notify.status.code(), absl::StatusCode::kPermissionDenied);
  EXPECT_THAT(std::string(unsigned_notify.status.message()), HasSubstr("not signed"));
  NotifyOutcome keyless = AnswerNotify(plain, "127.0.0.1", {{kZone, {"127.0.0.1"}, std::nullopt}});
  EXPECT_TRUE(keyless.status.ok()) << keyless.status;
  EXPECT_EQ(keyless.serial, std::nullopt);  // No SOA in the answer section.
  EXPECT_EQ(Rcode(keyless.reply), 0);
}

// Found by zone_notify_fuzz: an SOA of another class in the answer section with empty RDATA
// (libknot parses it) was read 20 bytes past its end. It is a NOTIFY without a usable serial.
TEST(ZoneNotifyTest, AnSoaTooShortForASerialIsNoSerial) {
  std::vector<uint8_t> notify = UnsignedNotify("plain.test");
  notify[7] = 1;  // ANCOUNT
  for (const uint8_t b : {0xc0, 0x0c, 0x00, 0x06, 0x43, 0x21, 0xdd, 0x09, 0x00, 0x00, 0x00, 0x00}) {
    notify.push_back(b);  // plain.test SOA, class 0x4321, RDLENGTH 0.
  }
  NotifyOutcome outcome =
      AnswerNotify(notify, "127.0.0.1", {{"plain.test", {"127.0.0.1"}, std::nullopt}});
  EXPECT_TRUE(outcome.status.ok()) << outcome.status;
  EXPECT_EQ(outcome.serial, std::nullopt);
}

TEST(ZoneNotifyTest, WhatIsNotANotifyQueryGetsNoAnswer) {
  const std::vector<uint8_t> good = UnsignedNotify(kZone);
  std::vector<uint8_t> response = good;
  response[2] |= 0x80;  // QR: a response, not a query.
  std::vector<uint8_t> query = good;
  query[2] = 0;  // Opcode QUERY.
  const std::vector<std::vector<uint8_t>> bad = {
      {},
      {0x12, 0x34, 0x20},
      std::vector<uint8_t>(good.begin(), good.end() - 3),  // The question cut short.
      response,
      query,
      std::vector<uint8_t>(300, 0xc0),
  };
  for (const std::vector<uint8_t>& datagram : bad) {
    NotifyOutcome outcome = AnswerNotify(datagram, "127.0.0.1", {Followed()});
    EXPECT_EQ(outcome.status.code(), absl::StatusCode::kDataLoss) << outcome.status;
    EXPECT_TRUE(outcome.reply.empty());
  }
}

}  // namespace
}  // namespace caawatch::caa
