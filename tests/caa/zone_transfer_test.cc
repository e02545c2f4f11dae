// Zone transfers from a real Knot DNS primary with TSIG: the whole zone (AXFR), its changes
// after an RFC 2136 update (IXFR from Knot's journal), the fall back to the whole zone when the
// journal does not reach back, and every way a transfer must be refused: a wrong secret, an
// unknown key, no key, and an answer altered, cut or garbled on the way (a proxy between the
// client and Knot injects the fault; Knot itself never sends such answers).
#include "caa/zone_transfer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/loopback.h"

namespace caawatch::caa {
namespace {

using ::testing::HasSubstr;

constexpr char kZone[] = "xfr.test";
constexpr char kKeyName[] = "xfr-key";
constexpr char kSecret[] = "c2VjcmV0IG9mIHRoZSB6b25lIHRyYW5zZmVyIHRlc3Qga2V5IQ==";
constexpr uint16_t kSoa = 6, kCname = 5, kCaa = 257;

// CAA RDATA: flags, tag length, tag, value (RFC 8659 §4.1).
std::vector<uint8_t> CaaRdata(const std::string& tag, const std::string& value) {
  std::vector<uint8_t> out = {0, static_cast<uint8_t>(tag.size())};
  out.insert(out.end(), tag.begin(), tag.end());
  out.insert(out.end(), value.begin(), value.end());
  return out;
}

std::vector<ZoneRecord> OfType(const std::vector<ZoneRecord>& records, uint16_t type) {
  std::vector<ZoneRecord> out;
  std::copy_if(records.begin(), records.end(), std::back_inserter(out),
               [type](const ZoneRecord& r) { return r.type == type; });
  return out;
}

class ZoneTransferTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<fakes::KnotServer>> server = fakes::KnotServer::Start(
        {{.origin = kZone,
          .records = "@ CAA 0 issue \"letsencrypt.org\"\n"
                     "deep.a.b CAA 0 issue \"pki.goog\"\n"
                     "www CNAME deep.a.b\n",
          .allow_updates = true,
          .transfer_key = absl::StrCat("hmac-sha256:", kKeyName, ":", kSecret)}});
    ASSERT_TRUE(server.ok()) << server.status();
    knot_ = server->release();
  }
  static void TearDownTestSuite() {
    delete knot_;
    knot_ = nullptr;
  }

  static ZoneTransferOptions Options(const std::string& secret = kSecret,
                                     const std::string& key_name = kKeyName) {
    ZoneTransferOptions options;
    options.primary = knot_->address();
    options.tsig = TsigKey{key_name, "hmac-sha256", secret};
    options.timeout = absl::Seconds(10);
    return options;
  }

  static fakes::KnotServer* knot_;
};
fakes::KnotServer* ZoneTransferTest::knot_ = nullptr;

// The tests run in this order: the zone is at serial 1 until the update test.
TEST_F(ZoneTransferTest, AxfrReturnsEveryRecordOfTheZone) {
  absl::StatusOr<ZoneSnapshot> zone = TransferZone(kZone, Options());
  ASSERT_TRUE(zone.ok()) << zone.status();
  EXPECT_EQ(zone->serial, 1u);
  ASSERT_FALSE(zone->records.empty());
  EXPECT_EQ(zone->records.front().type, kSoa);
  EXPECT_EQ(zone->records.front().owner, kZone);
  EXPECT_EQ(OfType(zone->records, kSoa).size(), 1u);  // The closing SOA is not a record.
  const std::vector<ZoneRecord> caa = OfType(zone->records, kCaa);
  ASSERT_EQ(caa.size(), 2u);
  std::vector<std::pair<std::string, std::vector<uint8_t>>> got;
  for (const ZoneRecord& r : caa) got.emplace_back(r.owner, r.rdata);
  EXPECT_THAT(got,
              ::testing::UnorderedElementsAre(
                  std::make_pair(std::string("xfr.test"), CaaRdata("issue", "letsencrypt.org")),
                  std::make_pair(std::string("deep.a.b.xfr.test"), CaaRdata("issue", "pki.goog"))));
  const std::vector<ZoneRecord> cname = OfType(zone->records, kCname);
  ASSERT_EQ(cname.size(), 1u);
  EXPECT_EQ(cname[0].owner, "www.xfr.test");
}

TEST_F(ZoneTransferTest, IxfrAtTheCurrentSerialIsUpToDate) {
  absl::StatusOr<IxfrAnswer> answer = TransferZoneChanges(kZone, 1, Options());
  ASSERT_TRUE(answer.ok()) << answer.status();
  EXPECT_EQ(answer->kind, IxfrAnswer::Kind::kUpToDate);
  EXPECT_EQ(answer->serial, 1u);
}

TEST_F(ZoneTransferTest, IxfrAfterAnUpdateReturnsTheChangeAndOlderSerialsTheWholeZone) {
  ASSERT_TRUE(knot_
                  ->Update(kZone,
                           "update delete deep.a.b.xfr.test. CAA\n"
                           "update add deep.a.b.xfr.test. 300 CAA 0 issue \"letsencrypt.org\"\n")
                  .ok());
  absl::StatusOr<IxfrAnswer> answer = TransferZoneChanges(kZone, 1, Options());
  ASSERT_TRUE(answer.ok()) << answer.status();
  ASSERT_EQ(answer->kind, IxfrAnswer::Kind::kIncremental);
  EXPECT_GT(answer->serial, 1u);
  ASSERT_EQ(answer->changes.size(), 1u);
  const ZoneChange& change = answer->changes[0];
  EXPECT_EQ(change.from_serial, 1u);
  EXPECT_EQ(change.to_serial, answer->serial);
  ASSERT_EQ(change.removed.size(), 1u);
  EXPECT_EQ(change.removed[0].owner, "deep.a.b.xfr.test");
  EXPECT_EQ(change.removed[0].rdata, CaaRdata("issue", "pki.goog"));
  ASSERT_EQ(change.added.size(), 1u);
  EXPECT_EQ(change.added[0].owner, "deep.a.b.xfr.test");
  EXPECT_EQ(change.added[0].rdata, CaaRdata("issue", "letsencrypt.org"));

  // Knot's journal starts at serial 1: asked from before it, it sends the whole zone instead
  // (RFC 1995 §4), which the client takes as a full transfer.
  absl::StatusOr<IxfrAnswer> full = TransferZoneChanges(kZone, 0, Options());
  ASSERT_TRUE(full.ok()) << full.status();
  ASSERT_EQ(full->kind, IxfrAnswer::Kind::kFull);
  EXPECT_EQ(full->zone.serial, answer->serial);
  bool updated = false;
  for (const ZoneRecord& r : OfType(full->zone.records, kCaa)) {
    updated |= r.owner == "deep.a.b.xfr.test" && r.rdata == CaaRdata("issue", "letsencrypt.org");
  }
  EXPECT_TRUE(updated);
}

TEST_F(ZoneTransferTest, WrongSecretUnknownKeyAndNoKeyAreRefused) {
  absl::StatusOr<ZoneSnapshot> wrong =
      TransferZone(kZone, Options("d3Jvbmcgc2VjcmV0IGZvciB0aGUga2V5IG9mIHRoZSB6b25lIQ=="));
  EXPECT_EQ(wrong.status().code(), absl::StatusCode::kPermissionDenied) << wrong.status();
  EXPECT_THAT(std::string(wrong.status().message()), HasSubstr("TSIG error BADSIG"));
  EXPECT_THAT(std::string(wrong.status().message()), ::testing::Not(HasSubstr(kSecret)));

  absl::StatusOr<ZoneSnapshot> unknown = TransferZone(kZone, Options(kSecret, "other-key"));
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kPermissionDenied) << unknown.status();
  EXPECT_THAT(std::string(unknown.status().message()), HasSubstr("TSIG error BADKEY"));

  ZoneTransferOptions keyless = Options();
  keyless.tsig.reset();
  absl::StatusOr<ZoneSnapshot> none = TransferZone(kZone, keyless);
  EXPECT_EQ(none.status().code(), absl::StatusCode::kPermissionDenied) << none.status();
}

TEST_F(ZoneTransferTest, OptionsThatCannotWorkAreSaidSo) {
  ZoneTransferOptions options = Options();
  options.tsig->algorithm = "hmac-rot13";
  EXPECT_EQ(TransferZone(kZone, options).status().code(), absl::StatusCode::kInvalidArgument);
  options = Options();
  options.primary = "primary.example:53";
  absl::StatusOr<ZoneSnapshot> named = TransferZone(kZone, options);
  EXPECT_EQ(named.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(named.status().message()), HasSubstr("not an IP address"));
  options.primary = "127.0.0.1:1";  // Nothing listens there.
  EXPECT_EQ(TransferZone(kZone, options).status().code(), absl::StatusCode::kUnavailable);
}

// Between the client and Knot: forwards the query, takes Knot's first answer message and
// hands the client what `fault` makes of it (the length prefix recomputed unless the fault
// cuts the stream), then closes.
class FaultyPath {
 public:
  FaultyPath(int knot_port, std::function<std::string(std::string)> fault)
      : knot_port_(knot_port), fault_(std::move(fault)) {
    absl::StatusOr<fakes::LoopbackListener> listener = fakes::ListenOnLoopback(0, 1);
    EXPECT_TRUE(listener.ok()) << listener.status();
    if (!listener.ok()) return;
    listen_fd_ = listener->fd;
    port_ = listener->port;
    thread_ = std::thread([this] { Serve(); });
  }
  ~FaultyPath() {
    shutdown(listen_fd_, SHUT_RDWR);
    close(listen_fd_);
    if (thread_.joinable()) thread_.join();
  }
  std::string address() const { return absl::StrCat("127.0.0.1:", port_); }

 private:
  static bool ReadFramed(int fd, std::string* message) {
    unsigned char prefix[2];
    if (recv(fd, prefix, 2, MSG_WAITALL) != 2) return false;
    message->resize((prefix[0] << 8) | prefix[1]);
    return recv(fd, message->data(), message->size(), MSG_WAITALL) ==
           static_cast<ssize_t>(message->size());
  }
  void Serve() {
    const int client = accept(listen_fd_, nullptr, nullptr);
    if (client < 0) return;
    const int upstream = socket(AF_INET, SOCK_STREAM, 0);
    const sockaddr_in addr = fakes::LoopbackAddress(static_cast<uint16_t>(knot_port_));
    std::string query, answer;
    if (connect(upstream, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0 &&
        ReadFramed(client, &query)) {
      const std::string framed = std::string{static_cast<char>(query.size() >> 8),
                                             static_cast<char>(query.size() & 0xff)} +
                                 query;
      send(upstream, framed.data(), framed.size(), MSG_NOSIGNAL);
      if (ReadFramed(upstream, &answer)) {
        const std::string out = fault_(std::string{static_cast<char>(answer.size() >> 8),
                                                   static_cast<char>(answer.size() & 0xff)} +
                                       answer);
        send(client, out.data(), out.size(), MSG_NOSIGNAL);
      }
    }
    close(upstream);
    close(client);
  }

  const int knot_port_;
  const std::function<std::string(std::string)> fault_;
  int listen_fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

TEST_F(ZoneTransferTest, AnAnswerAlteredCutOrGarbledOnTheWayIsRefused) {
  // One letter of a CAA value changed: still a well-formed message, but not what was signed.
  FaultyPath altered(knot_->port(), [](std::string framed) {
    const size_t at = framed.find("letsencrypt.org");
    if (at != std::string::npos) framed[at] = 'm';
    return framed;
  });
  ZoneTransferOptions options = Options();
  options.primary = altered.address();
  absl::StatusOr<ZoneSnapshot> zone = TransferZone(kZone, options);
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kDataLoss) << zone.status();
  EXPECT_THAT(std::string(zone.status().message()), HasSubstr("fails its TSIG check"));

  FaultyPath cut(knot_->port(),
                 [](std::string framed) { return framed.substr(0, framed.size() / 2); });
  options.primary = cut.address();
  zone = TransferZone(kZone, options);
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kDataLoss) << zone.status();
  EXPECT_THAT(std::string(zone.status().message()),
              HasSubstr("closed the connection in the middle"));

  // The header kept (ID, flags), the counts claiming records the bytes do not hold.
  FaultyPath garbled(knot_->port(), [](std::string framed) {
    for (size_t i = 2 + 12; i < framed.size(); ++i) framed[i] = static_cast<char>(0xc0);
    return framed;
  });
  options.primary = garbled.address();
  zone = TransferZone(kZone, options);
  EXPECT_EQ(zone.status().code(), absl::StatusCode::kDataLoss) << zone.status();
  EXPECT_THAT(std::string(zone.status().message()), HasSubstr("malformed"));
}

}  // namespace
}  // namespace caawatch::caa
