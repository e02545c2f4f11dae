#include "ctlog/x509_name.h"

#include <cstdint>
#include <initializer_list>
#include <vector>

#include "absl/status/status.h"
#include "ctlog/der.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

using Bytes = std::vector<uint8_t>;

Bytes Tlv(uint8_t tag, const Bytes& contents) {
  Bytes out = {tag, static_cast<uint8_t>(contents.size())};
  out.insert(out.end(), contents.begin(), contents.end());
  return out;
}

Bytes Concat(std::initializer_list<Bytes> parts) {
  Bytes out;
  for (const Bytes& p : parts) out.insert(out.end(), p.begin(), p.end());
  return out;
}

Bytes Ava(const Bytes& oid, const Bytes& value) {
  return Tlv(0x30, Concat({Tlv(0x06, oid), value}));
}

const Bytes kCn = {0x55, 0x04, 0x03};
const Bytes kO = {0x55, 0x04, 0x0a};
const Bytes kUnknown = {0x55, 0x04, 0x63};  // 2.5.4.99

TEST(ReadX509NameTest, FormatsMultiValuedRdnsEscapesAndUnknownTypes) {
  const Bytes name = Tlv(0x30, Concat({Tlv(0x31, Concat({Ava(kCn, Tlv(0x0c, {'a', ',', 'b'})),
                                                         Ava(kUnknown, Tlv(0x13, {'x'}))})),
                                       Tlv(0x31, Ava(kO, Tlv(0x02, {0x05}))),
                                       Tlv(0x31, Ava(kO, Tlv(0x1e, {0x00, 'E', 0x00, 0xe9}))),
                                       Tlv(0x31, Ava(kCn, Tlv(0x13, {' ', 'R', '1', '1'})))}));
  absl::StatusOr<DerElement> element = ParseDerElement(name);
  ASSERT_TRUE(element.ok());
  X509NameFields fields;
  ASSERT_TRUE(ReadX509Name(*element, &fields).ok());
  EXPECT_EQ(fields.dn, "CN=a\\,b + 2.5.4.99=x, O=#020105, O=E\xc3\xa9, CN=\\ R11");
  EXPECT_EQ(fields.organization, "E\xc3\xa9");  // The first O that is a string.
  EXPECT_EQ(fields.common_name, "a,b");
  EXPECT_THAT(fields.common_names, ::testing::ElementsAre("a,b", " R11"));
}

TEST(ReadX509NameTest, KeepsWhatWasReadBeforeAMalformedRdn) {
  const Bytes name =
      Tlv(0x30, Concat({Tlv(0x31, Ava(kO, Tlv(0x13, {'L', 'E'}))), Tlv(0x30, {0x05, 0x00})}));
  absl::StatusOr<DerElement> element = ParseDerElement(name);
  ASSERT_TRUE(element.ok());
  X509NameFields fields;
  EXPECT_EQ(ReadX509Name(*element, &fields).code(), absl::StatusCode::kDataLoss);
  EXPECT_EQ(fields.dn, "O=LE");
  EXPECT_EQ(fields.organization, "LE");
}

}  // namespace
}  // namespace caawatch::ctlog
