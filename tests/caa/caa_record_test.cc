#include "caa/caa_record.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"

namespace caawatch::caa {
namespace {

std::vector<uint8_t> Bytes(const std::string& s) {
  return std::vector<uint8_t>(s.begin(), s.end());
}

TEST(ParseCaaRdataTest, DecodesFlagsTagAndValue) {
  const std::vector<uint8_t> rdata = Bytes(std::string("\x80\x05issueletsencrypt.org", 22));
  absl::StatusOr<CaaRecord> record = ParseCaaRdata(rdata);
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->flags, 0x80);
  EXPECT_TRUE(record->critical());
  EXPECT_EQ(record->tag, "issue");
  EXPECT_EQ(record->value, "letsencrypt.org");
}

TEST(ParseCaaRdataTest, KeepsTagCaseAndReservedFlagBitsAsReceived) {
  absl::StatusOr<CaaRecord> record = ParseCaaRdata(Bytes(std::string("\x01\x05IsSuE;", 8)));
  ASSERT_TRUE(record.ok()) << record.status();
  EXPECT_EQ(record->flags, 1);
  EXPECT_FALSE(record->critical()) << "bit value 1 is reserved, not the critical flag";
  EXPECT_EQ(record->tag, "IsSuE");
  EXPECT_EQ(record->value, ";");
}

TEST(ParseCaaRdataTest, AcceptsEmptyValueAndValueLongerThan255Octets) {
  absl::StatusOr<CaaRecord> empty = ParseCaaRdata(Bytes(std::string("\x00\x05issue", 7)));
  ASSERT_TRUE(empty.ok()) << empty.status();
  EXPECT_EQ(empty->value, "");

  const std::string long_value(1000, 'x');
  absl::StatusOr<CaaRecord> big =
      ParseCaaRdata(Bytes(std::string("\x00\x05iodef", 7) + long_value));
  ASSERT_TRUE(big.ok()) << big.status();
  EXPECT_EQ(big->value, long_value);
}

TEST(ParseCaaRdataTest, RejectsMalformedRdataAsDataLoss) {
  struct Case {
    const char* name;
    std::string rdata;
  };
  const Case kCases[] = {
      {"empty rdata", std::string()},
      {"flags only", std::string("\x00", 1)},
      {"tag length zero", std::string("\x00\x00value", 7)},
      {"tag runs past end", std::string("\x00\x09is", 4)},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    EXPECT_EQ(ParseCaaRdata(Bytes(c.rdata)).status().code(), absl::StatusCode::kDataLoss);
  }
}

// RFC 8659 forbids such tags, but DNS servers serve them: each is an unknown property of its
// own (issue 20), never a reason to drop the whole set.
TEST(ParseCaaRdataTest, TagOutsideTheGrammarIsKeptAsAnUnknownProperty) {
  struct Case {
    const char* name;
    std::string rdata;
    std::string tag;
  };
  const Case kCases[] = {
      {"hyphen", std::string("\x00\x0aissue-wildpki.goog", 20), "issue-wild"},
      {"underscore", std::string("\x80\x03" "a_bx", 6), "a_b"},
      {"space", std::string("\x00\x03" "a bx", 6), "a b"},
      {"UTF-8", std::string("\x00\x02\xc3\xa9x", 5), "\\xc3\\xa9"},
      {"NUL", std::string("\x00\x06issue\x00x", 9), "issue\\x00"},
  };
  for (const Case& c : kCases) {
    SCOPED_TRACE(c.name);
    absl::StatusOr<CaaRecord> record = ParseCaaRdata(Bytes(c.rdata));
    ASSERT_TRUE(record.ok()) << record.status();
    EXPECT_EQ(record->tag, c.tag);
    EXPECT_FALSE(TagIs(record->tag, "issue"));
    EXPECT_FALSE(TagIs(record->tag, "issuewild"));
  }
}

TEST(ParseCaaRdataTest, EncodeIsTheInverseOfParse) {
  const CaaRecord record{128, "tbs", "Unknown"};
  const std::string rdata = EncodeCaaRdata(record);
  absl::StatusOr<CaaRecord> parsed = ParseCaaRdata(Bytes(rdata));
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  EXPECT_EQ(*parsed, record);
}

TEST(TagIsTest, ComparesTagsIgnoringAsciiCase) {
  EXPECT_TRUE(TagIs("issue", "issue"));
  EXPECT_TRUE(TagIs("ISSUE", "issue"));
  EXPECT_TRUE(TagIs("IsSuEwIlD", "issuewild"));
  EXPECT_FALSE(TagIs("issuewild", "issue"));
  EXPECT_FALSE(TagIs("issue", "issuewild"));
}

}  // namespace
}  // namespace caawatch::caa
