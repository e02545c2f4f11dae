// ParseDnsMessage on hand-built packets (RFC 1035 §4.1): compression, bounds and loops.
#include "caa/dns_message.h"

#include <cstdint>
#include <initializer_list>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::caa {
namespace {

std::string U16(uint16_t v) { return {static_cast<char>(v >> 8), static_cast<char>(v & 0xff)}; }
std::string U32(uint32_t v) { return U16(v >> 16) + U16(v & 0xffff); }
std::string Pointer(uint16_t offset) { return U16(0xC000 | offset); }
std::string Labels(std::initializer_list<std::string> labels) {
  std::string out;
  for (const std::string& label : labels) out += static_cast<char>(label.size()) + label;
  return out;
}
std::string Header(uint16_t flags, uint16_t qd, uint16_t an, uint16_t ns) {
  return U16(0x1234) + U16(flags) + U16(qd) + U16(an) + U16(ns) + U16(0);
}
std::string Record(const std::string& owner, uint16_t type, uint32_t ttl,
                   const std::string& rdata) {
  return owner + U16(type) + U16(kDnsClassIn) + U32(ttl) + U16(rdata.size()) + rdata;
}

// Question "Alias.Example.TEST CAA"; answer: alias CNAME target.example.test, target CAA
// 0 issue "ca.test"; authority: example.test SOA. Every later name is compressed.
std::string CompressedAnswer() {
  std::string p = Header(0x8180, 1, 2, 1);
  const uint16_t question = p.size();     // 12
  const uint16_t example = question + 6;  // "Example.TEST"
  p += Labels({"Alias", "Example", "TEST"}) + std::string(1, '\0') + U16(kDnsTypeCaa) + U16(1);
  const uint16_t target = p.size() + 2 + 10;  // CNAME RDATA start.
  p += Record(Pointer(question), kDnsTypeCname, 300, Labels({"target"}) + Pointer(example));
  p += Record(Pointer(target), kDnsTypeCaa, 900, std::string("\x00\x05issueca.test", 14));
  const std::string soa = Labels({"ns"}) + Pointer(example) + Labels({"hostmaster"}) +
                          Pointer(example) + U32(7) + U32(3600) + U32(600) + U32(86400) + U32(300);
  p += Record(Pointer(example), kDnsTypeSoa, 3600, soa);
  return p;
}

TEST(ParseDnsMessageTest, ReadsAllSectionsAndDecompressesNamesInLowercase) {
  absl::StatusOr<DnsMessage> m = ParseDnsMessage(CompressedAnswer());
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->id, 0x1234);
  EXPECT_EQ(m->rcode, 0);
  ASSERT_EQ(m->questions.size(), 1u);
  EXPECT_EQ(m->questions[0].name, "alias.example.test");
  EXPECT_EQ(m->questions[0].type, kDnsTypeCaa);
  ASSERT_EQ(m->answers.size(), 2u);
  EXPECT_EQ(m->answers[0].name, "alias.example.test");
  EXPECT_EQ(m->answers[0].target, "target.example.test");
  EXPECT_EQ(m->answers[0].ttl, 300u);
  EXPECT_EQ(m->answers[1].name, "target.example.test");
  EXPECT_EQ(m->answers[1].rdata, std::string("\x00\x05issueca.test", 14));
  ASSERT_EQ(m->authorities.size(), 1u);
  EXPECT_EQ(m->authorities[0].type, kDnsTypeSoa);
  EXPECT_EQ(m->authorities[0].soa_minimum, 300u);
}

TEST(ParseDnsMessageTest, EveryTruncationOfAValidPacketIsDataLoss) {
  const std::string packet = CompressedAnswer();
  for (size_t n = 0; n < packet.size(); ++n) {
    SCOPED_TRACE(n);
    EXPECT_EQ(ParseDnsMessage(packet.substr(0, n)).status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(ParseDnsMessageTest, RejectsHostileNames) {
  struct Case {
    const char* name;
    std::string question_name;
  };
  const std::string long_label(63, 'a');
  const Case kCases[] = {
      {"pointer to itself", Pointer(12)},
      {"pointer forwards", Pointer(40) + std::string(30, '\0')},
      {"label then pointer back into itself", Labels({"a"}) + Pointer(12)},
      {"name over 255 octets",
       Labels({long_label, long_label, long_label, long_label, long_label}) + std::string(1, '\0')},
      {"extended label type", std::string("\x41x", 2) + std::string(1, '\0')},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    const std::string packet = Header(0, 1, 0, 0) + c.question_name + U16(1) + U16(1);
    EXPECT_EQ(ParseDnsMessage(packet).status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(ParseDnsMessageTest, RejectsRdataRunningPastTheEnd) {
  std::string packet = Header(0x8180, 0, 1, 0) + Labels({"x"}) + std::string(1, '\0') +
                       U16(kDnsTypeCaa) + U16(1) + U32(60) + U16(50) + "short";
  EXPECT_EQ(ParseDnsMessage(packet).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ParseDnsMessageTest, RejectsCnameWhoseTargetDoesNotFillTheRdata) {
  const std::string rdata = Labels({"t"}) + std::string(1, '\0') + "junk";
  std::string packet = Header(0x8180, 0, 1, 0) +
                       Record(Labels({"x"}) + std::string(1, '\0'), kDnsTypeCname, 60, rdata);
  EXPECT_EQ(ParseDnsMessage(packet).status().code(), absl::StatusCode::kDataLoss);
}

TEST(ParseDnsMessageTest, EscapesDotsAndUnprintableOctetsInsideLabels) {
  std::string packet = Header(0x8183, 1, 0, 0) + Labels({"a.b", std::string("c\x01", 2)}) +
                       std::string(1, '\0') + U16(kDnsTypeCaa) + U16(1);
  absl::StatusOr<DnsMessage> m = ParseDnsMessage(packet);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->rcode, 3);
  EXPECT_EQ(m->questions[0].name, "a\\046b.c\\001");
}

TEST(ParseDnsMessageTest, RootNameIsEmpty) {
  std::string packet = Header(0x8180, 1, 0, 0) + std::string(1, '\0') + U16(kDnsTypeSoa) + U16(1);
  absl::StatusOr<DnsMessage> m = ParseDnsMessage(packet);
  ASSERT_TRUE(m.ok()) << m.status();
  EXPECT_EQ(m->questions[0].name, "");
}

}  // namespace
}  // namespace caawatch::caa
