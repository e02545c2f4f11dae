// The RRSIGs of a secure CAA answer reach the evidence (issue 20): a zone signed by a real Knot,
// looked up by the real validating resolver (libunbound), recorded by the CAA observer in
// RocksDB, written into a bundle's caa-*.dns file and counted by the offline verifier. The
// RRSIG is checked against the zone's own DNSKEY RRset, asked of Knot directly.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "base/clock.h"
#include "caa/dns_message.h"
#include "caa/unbound_resolver.h"
#include "evidence/caa_verification.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "judge/caa_observer.h"
#include "monitor/caa_evidence.h"
#include "names/domain_name.h"
#include "store/records.pb.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/store_fixture.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::monitor {
namespace {

using ::caawatch::fakes::KnotServer;
using ::caawatch::fakes::KnotZone;
using ::caawatch::fakes::ZoneSigning;
using ::testing::Contains;
using ::testing::HasSubstr;

constexpr uint16_t kTypeRrsig = 46;
constexpr uint16_t kTypeDnskey = 48;

// The key tag of a DNSKEY's RDATA (RFC 4034 Appendix B), computed here rather than by the code
// under test.
uint16_t KeyTag(const std::string& rdata) {
  uint32_t sum = 0;
  for (size_t i = 0; i < rdata.size(); ++i) {
    const auto byte = static_cast<uint8_t>(rdata[i]);
    sum += (i % 2 == 0) ? static_cast<uint32_t>(byte) << 8 : byte;
  }
  sum += (sum >> 16) & 0xffff;
  return static_cast<uint16_t>(sum & 0xffff);
}

// The uncompressed name at `offset` of `wire` (an RRSIG's signer, RFC 4034 §3.1.7), lowercase,
// no trailing dot; "" for the root or a malformed name.
std::string WireName(const std::string& wire, size_t offset) {
  std::vector<std::string> labels;
  while (offset < wire.size()) {
    const auto length = static_cast<uint8_t>(wire[offset]);
    if (length == 0 || length > 63 || offset + 1 + length > wire.size()) break;
    labels.push_back(absl::AsciiStrToLower(wire.substr(offset + 1, length)));
    offset += 1 + length;
  }
  return absl::StrJoin(labels, ".");
}

struct Rrsig {
  uint16_t type_covered = 0;
  uint16_t key_tag = 0;
  std::string signer;
};

// The RRSIGs at `owner` in the answer section of the DNS message `wire`.
std::vector<Rrsig> RrsigsAt(const std::string& wire, const std::string& owner) {
  absl::StatusOr<caa::DnsMessage> message = caa::ParseDnsMessage(wire);
  EXPECT_TRUE(message.ok()) << message.status();
  std::vector<Rrsig> out;
  if (!message.ok()) return out;
  for (const caa::DnsResourceRecord& rr : message->answers) {
    if (rr.type != kTypeRrsig || rr.name != owner || rr.rdata.size() < 19) continue;
    const auto u16 = [&](size_t at) {
      return static_cast<uint16_t>(static_cast<uint8_t>(rr.rdata[at]) << 8 |
                                   static_cast<uint8_t>(rr.rdata[at + 1]));
    };
    out.push_back(Rrsig{u16(0), u16(16), WireName(rr.rdata, 18)});
  }
  return out;
}

// The key tags of `zone`'s DNSKEY RRset as Knot serves it, asked over UDP without the resolver.
std::set<uint16_t> DnskeyTags(int port, const std::string& zone) {
  std::string query("\x12\x34\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00", 12);
  for (absl::string_view label : absl::StrSplit(zone, '.')) {
    query += static_cast<char>(label.size());
    query.append(label.data(), label.size());
  }
  query += std::string("\x00\x00\x30\x00\x01", 5);  // Root label, type DNSKEY, class IN.
  const int fd = socket(AF_INET, SOCK_DGRAM, 0);
  EXPECT_GE(fd, 0);
  timeval receive_timeout{5, 0};  // Transport bound only: Knot on loopback answers at once.
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &receive_timeout, sizeof(receive_timeout));
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<uint16_t>(port));
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(sendto(fd, query.data(), query.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof(to)),
            static_cast<ssize_t>(query.size()));
  std::string reply(4096, '\0');
  const ssize_t got = recv(fd, reply.data(), reply.size(), 0);
  close(fd);
  EXPECT_GT(got, 0);
  reply.resize(got > 0 ? static_cast<size_t>(got) : 0);
  std::set<uint16_t> tags;
  absl::StatusOr<caa::DnsMessage> message = caa::ParseDnsMessage(reply);
  EXPECT_TRUE(message.ok()) << message.status();
  if (!message.ok()) return tags;
  for (const caa::DnsResourceRecord& rr : message->answers) {
    if (rr.type == kTypeDnskey) tags.insert(KeyTag(rr.rdata));
  }
  return tags;
}

class CaaRrsigEvidenceTest : public StoreFixture {
 protected:
  static void SetUpTestSuite() {
    absl::StatusOr<std::unique_ptr<KnotServer>> server = KnotServer::Start(
        {KnotZone{"signed.test", "@ 1200 CAA 0 issue \"ca.test\"\n", ZoneSigning::kSigned}});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = server->release();
  }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  static KnotServer* server_;
  FakeClock clock_{absl::FromUnixSeconds(1'800'000'000)};
};

KnotServer* CaaRrsigEvidenceTest::server_ = nullptr;

TEST_F(CaaRrsigEvidenceTest, SecureAnswerKeepsTheRrsigOfItsCaaRrsetThroughStoreAndBundle) {
  caa::ResolverOptions options;
  options.servers = {server_->address()};
  options.trust_anchor_file = server_->trust_anchor_file();  // DNSSEC on, anchored at the zone.
  options.timeout = absl::Seconds(2);
  absl::StatusOr<std::unique_ptr<caa::UnboundResolver>> resolver =
      caa::UnboundResolver::Create(options, &clock_);
  ASSERT_TRUE(resolver.ok()) << resolver.status();
  judge::CaaObserver observer(resolver->get(), &store_->caa_history(), &clock_);
  ASSERT_TRUE(observer.ObservePath(*names::DomainName::Parse("signed.test")).ok());

  absl::StatusOr<std::vector<store::CaaObservationRecord>> history =
      store_->caa_history().Observations("signed.test", absl::InfinitePast(),
                                         absl::InfiniteFuture());
  ASSERT_TRUE(history.ok()) << history.status();
  ASSERT_EQ(history->size(), 1u);
  const store::CaaObservationRecord& observation = history->front();
  EXPECT_EQ(observation.outcome(), "noerror") << observation.error();
  EXPECT_EQ(observation.dnssec(), "secure");
  ASSERT_EQ(observation.records_size(), 1);
  EXPECT_EQ(observation.records(0).value(), "ca.test");

  // The stored answer holds an RRSIG over the CAA RRset, by the zone, with one of its keys.
  const std::set<uint16_t> zone_keys = DnskeyTags(server_->port(), "signed.test");
  ASSERT_FALSE(zone_keys.empty());
  const std::vector<Rrsig> stored = RrsigsAt(observation.raw_answer(), "signed.test");
  ASSERT_EQ(stored.size(), 1u) << "the stored answer carries no RRSIG of its CAA RRset";
  EXPECT_EQ(stored[0].type_covered, caa::kDnsTypeCaa);
  EXPECT_EQ(stored[0].signer, "signed.test");
  EXPECT_THAT(zone_keys, Contains(stored[0].key_tag));

  // A bundle for a finding judged on this name carries that answer, and the verifier counts it.
  store::FindingRecord finding;
  store::CaaNameRecord* name = finding.add_caa();
  name->set_name("signed.test");
  name->set_relevant_name("signed.test");
  name->set_window_start_ms(absl::ToUnixMillis(clock_.Now() - absl::Hours(1)));
  name->set_window_end_ms(absl::ToUnixMillis(clock_.Now() + absl::Hours(1)));
  TempDir bundle("caawatch_rrsig_bundle");
  absl::StatusOr<uint64_t> written = WriteCaaEvidence(store_.get(), finding, bundle.string());
  ASSERT_TRUE(written.ok()) << written.status();
  EXPECT_EQ(*written, 1u);
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(bundle.path())) {
    files.insert(entry.path().filename().string());
  }
  const std::string answer_file =
      absl::StrCat("caa-signed.test-", observation.first_seen_ms(), ".dns");
  ASSERT_THAT(files, Contains(answer_file));
  std::string wire;
  {
    std::ifstream in(bundle / answer_file, std::ios::binary);
    wire.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  const std::vector<Rrsig> bundled = RrsigsAt(wire, "signed.test");
  ASSERT_EQ(bundled.size(), 1u);
  EXPECT_EQ(bundled[0].key_tag, stored[0].key_tag);
  absl::StatusOr<evidence::CaaVerification> verified =
      evidence::VerifyCaaEvidence(bundle.string(), files);
  ASSERT_TRUE(verified.ok()) << verified.status();
  EXPECT_THAT(verified->notes, Contains(HasSubstr("(1 carry RRSIGs")));
}

}  // namespace
}  // namespace caawatch::monitor
