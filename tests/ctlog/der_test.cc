#include "ctlog/der.h"

#include <cstdint>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

using Bytes = std::vector<uint8_t>;

TEST(DerReaderTest, ReadsNestedElementsAsSpansIntoTheInput) {
  const Bytes der = {0x30, 0x06, 0x02, 0x01, 0x05, 0x04, 0x01, 0xaa};
  DerReader reader(der);
  DerElement seq, integer, octets;
  ASSERT_TRUE(reader.ReadExpected(kDerSequence, &seq));
  EXPECT_TRUE(reader.empty());
  EXPECT_EQ(seq.whole.data(), der.data());
  EXPECT_EQ(seq.whole.size(), 8u);
  DerReader inner = reader.Enter(seq);
  ASSERT_TRUE(inner.ReadExpected(kDerInteger, &integer));
  ASSERT_TRUE(inner.ReadExpected(kDerOctetString, &octets));
  EXPECT_TRUE(inner.empty());
  EXPECT_EQ(integer.contents.size(), 1u);
  EXPECT_EQ(integer.contents[0], 5);
  EXPECT_EQ(octets.contents.data(), der.data() + 7);
  EXPECT_FALSE(seq.non_minimal_length);
}

TEST(DerReaderTest, ReadsMultiByteTagsAndLongLengths) {
  Bytes der = {0x9f, 0x81, 0x00, 0x82, 0x01, 0x00};  // [128] primitive, 256 octets.
  der.resize(6 + 256, 0x41);
  DerReader reader(der);
  DerElement e;
  ASSERT_TRUE(reader.Read(&e));
  EXPECT_EQ(e.tag, (DerTag{DerClass::kContext, false, 128}));
  EXPECT_EQ(e.contents.size(), 256u);
  EXPECT_TRUE(reader.empty());
}

TEST(DerReaderTest, RejectsMalformedHeaders) {
  const struct {
    const char* name;
    Bytes der;
  } kCases[] = {
      {"empty", {}},
      {"tag only", {0x30}},
      {"indefinite length (BER)", {0x30, 0x80, 0x02, 0x01, 0x00, 0x00, 0x00}},
      {"reserved length 0xff", {0x04, 0xff, 0x00}},
      {"five length octets", {0x04, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00}},
      {"length octets truncated", {0x04, 0x82, 0x01}},
      {"length past the buffer", {0x04, 0x05, 0x01, 0x02}},
      {"long length past the buffer", {0x04, 0x84, 0xff, 0xff, 0xff, 0xff, 0x00}},
      {"high tag truncated", {0x1f, 0x81}},
      {"high tag with leading zero septet", {0x1f, 0x80, 0x01, 0x00}},
      {"high tag form for a low number", {0x1f, 0x05, 0x00}},
      {"high tag of five octets", {0x1f, 0x81, 0x81, 0x81, 0x81, 0x01, 0x00}},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.name);
    DerReader reader(c.der);
    DerElement e;
    EXPECT_FALSE(reader.Read(&e));
    EXPECT_FALSE(reader.ok());
    EXPECT_EQ(ParseDerElement(c.der).status().code(), absl::StatusCode::kDataLoss);
  }
}

TEST(DerReaderTest, ToleratesButFlagsNonMinimalLengths) {
  for (const Bytes& der : {Bytes{0x04, 0x81, 0x01, 0xaa}, Bytes{0x04, 0x82, 0x00, 0x01, 0xaa}}) {
    absl::StatusOr<DerElement> e = ParseDerElement(der);
    ASSERT_TRUE(e.ok());
    EXPECT_TRUE(e->non_minimal_length);
    EXPECT_EQ(e->contents.size(), 1u);
  }
}

TEST(DerReaderTest, StaysFailedAfterAFailure) {
  const Bytes der = {0x04, 0x01, 0x02, 0x30, 0x09, 0x02, 0x01, 0x00};
  DerReader reader(der);
  DerElement e;
  EXPECT_FALSE(reader.ReadExpected(kDerSequence, &e));  // It is an OCTET STRING.
  EXPECT_FALSE(reader.Read(&e));
  EXPECT_FALSE(reader.empty());
  EXPECT_TRUE(reader.rest().empty());
}

TEST(DerReaderTest, ReadOptionalLeavesAnAbsentElementInPlace) {
  const Bytes der = {0x02, 0x01, 0x07};
  DerReader reader(der);
  DerElement e;
  bool present = true;
  ASSERT_TRUE(reader.ReadOptional(ContextTag(0, true), &e, &present));
  EXPECT_FALSE(present);
  ASSERT_TRUE(reader.ReadOptional(kDerInteger, &e, &present));
  EXPECT_TRUE(present);
  ASSERT_TRUE(reader.ReadOptional(kDerInteger, &e, &present));  // At the end: absent, fine.
  EXPECT_FALSE(present);
  EXPECT_TRUE(reader.empty());
}

TEST(DerReaderTest, ParseDerElementRejectsTrailingData) {
  EXPECT_EQ(ParseDerElement(Bytes{0x05, 0x00, 0x00}).status().code(), absl::StatusCode::kDataLoss);
}

TEST(DerReaderTest, RefusesToNestDeeperThanTheLimit) {
  const int kLevels = kDerMaxDepth + 8;
  Bytes nested = {0x05, 0x00};
  for (int i = 0; i < kLevels; ++i) {
    Bytes outer = {0x30, static_cast<uint8_t>(nested.size())};
    if (nested.size() >= 0x80) outer = {0x30, 0x81, static_cast<uint8_t>(nested.size())};
    outer.insert(outer.end(), nested.begin(), nested.end());
    nested = outer;
  }
  DerReader reader(nested);
  int depth = 0;
  DerElement e;
  while (reader.Read(&e) && e.tag == kDerSequence) {
    reader = reader.Enter(e);
    ++depth;
  }
  EXPECT_FALSE(reader.ok());
  EXPECT_EQ(depth, kDerMaxDepth + 1);
}

TEST(DerReaderTest, SurvivesRandomAndMutatedInput) {
  std::mt19937 rng(20261128);
  const Bytes seed = {0x30, 0x0c, 0xa0, 0x03, 0x02, 0x01, 0x02,
                      0x02, 0x01, 0x05, 0x30, 0x02, 0x05, 0x00};
  for (int round = 0; round < 20000; ++round) {
    Bytes input = seed;
    const int mutations = 1 + static_cast<int>(rng() % 4);
    for (int m = 0; m < mutations; ++m) input[rng() % input.size()] = static_cast<uint8_t>(rng());
    input.resize(rng() % (input.size() + 1));
    // Walk everything reachable; reads must stay inside `input`.
    std::vector<DerReader> stack = {DerReader(input)};
    while (!stack.empty()) {
      DerReader r = stack.back();
      stack.pop_back();
      DerElement e;
      while (r.Read(&e)) {
        ASSERT_GE(e.whole.data(), input.data());
        ASSERT_LE(e.whole.data() + e.whole.size(), input.data() + input.size());
        if (e.tag.constructed) stack.push_back(r.Enter(e));
      }
    }
  }
}

TEST(AppendDerHeaderTest, WritesMinimalHeadersThatReadBack) {
  for (size_t length : {0, 1, 127, 128, 255, 256, 65535, 65536, 1 << 24}) {
    for (DerTag tag : {kDerSequence, ContextTag(3, true), ContextTag(200, false)}) {
      Bytes der;
      AppendDerHeader(tag, length, &der);
      der.resize(der.size() + length);
      absl::StatusOr<DerElement> e = ParseDerElement(der);
      ASSERT_TRUE(e.ok()) << length;
      EXPECT_EQ(e->tag, tag);
      EXPECT_EQ(e->contents.size(), length);
      EXPECT_FALSE(e->non_minimal_length);
    }
  }
}

TEST(OidToStringTest, FormatsArcs) {
  EXPECT_EQ(*OidToString(Bytes{0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d}), "1.2.840.113549");
  EXPECT_EQ(*OidToString(Bytes{0x55, 0x1d, 0x11}), "2.5.29.17");
  EXPECT_EQ(*OidToString(Bytes{0x88, 0x37}), "2.999");
  EXPECT_EQ(*OidToString(Bytes{0x2b, 0x06, 0x01, 0x04, 0x01, 0xd6, 0x79, 0x02, 0x04, 0x03}),
            "1.3.6.1.4.1.11129.2.4.3");
}

TEST(OidToStringTest, RejectsEmptyTruncatedAndNonMinimalArcs) {
  EXPECT_FALSE(OidToString(Bytes{}).ok());
  EXPECT_FALSE(OidToString(Bytes{0x2a, 0x86}).ok());
  EXPECT_FALSE(OidToString(Bytes{0x2a, 0x80, 0x01}).ok());
  EXPECT_FALSE(OidToString(Bytes(12, 0xff)).ok());  // Arc overflows 64 bits.
}

DerElement Element(DerTag tag, const Bytes& contents) {
  DerElement e;
  e.tag = tag;
  e.contents = contents;
  return e;
}

TEST(DecodeDerStringTest, ConvertsEveryDirectoryStringToUtf8) {
  EXPECT_EQ(*DecodeDerString(Element(UniversalTag(12), {'a', 0xc3, 0xa9})), "a\xc3\xa9");
  EXPECT_EQ(*DecodeDerString(Element(UniversalTag(19), {'U', 'S'})), "US");
  EXPECT_EQ(*DecodeDerString(Element(UniversalTag(30), {0x00, 'A', 0x00, 0xe9})), "A\xc3\xa9");
  EXPECT_EQ(*DecodeDerString(Element(UniversalTag(20), {'x', 0xe9})), "x\xc3\xa9");
  EXPECT_EQ(*DecodeDerString(Element(UniversalTag(28), {0x00, 0x01, 0xf6, 0x00})),
            "\xf0\x9f\x98\x80");
}

TEST(DecodeDerStringTest, RejectsOddBmpStringsAndNonStrings) {
  EXPECT_FALSE(DecodeDerString(Element(UniversalTag(30), {0x00, 'A', 0x00})).ok());
  EXPECT_FALSE(DecodeDerString(Element(kDerInteger, {0x01})).ok());
  EXPECT_FALSE(DecodeDerString(Element(kDerSequence, {})).ok());
}

absl::StatusOr<absl::Time> Time(DerTag tag, absl::string_view text) {
  const Bytes bytes(text.begin(), text.end());
  return DecodeDerTime(Element(tag, bytes));
}

TEST(DecodeDerTimeTest, ReadsUtcTimeAndGeneralizedTime) {
  const absl::TimeZone utc = absl::UTCTimeZone();
  EXPECT_EQ(*Time(kDerUtcTime, "250602083530Z"),
            absl::FromCivil(absl::CivilSecond(2025, 6, 2, 8, 35, 30), utc));
  EXPECT_EQ(*Time(kDerUtcTime, "500101000000Z"),
            absl::FromCivil(absl::CivilSecond(1950, 1, 1, 0, 0, 0), utc));
  EXPECT_EQ(*Time(kDerUtcTime, "4912312359Z"),
            absl::FromCivil(absl::CivilSecond(2049, 12, 31, 23, 59, 0), utc));
  EXPECT_EQ(*Time(kDerGeneralizedTime, "20500101000000Z"),
            absl::FromCivil(absl::CivilSecond(2050, 1, 1, 0, 0, 0), utc));
  EXPECT_EQ(*Time(kDerGeneralizedTime, "20500101000000.123Z"),
            absl::FromCivil(absl::CivilSecond(2050, 1, 1, 0, 0, 0), utc));
}

TEST(DecodeDerTimeTest, AppliesBerOffsets) {
  EXPECT_EQ(*Time(kDerUtcTime, "091015235900+1000"),
            absl::FromCivil(absl::CivilSecond(2009, 10, 15, 13, 59, 0), absl::UTCTimeZone()));
  EXPECT_EQ(*Time(kDerUtcTime, "360105090605+0000"),
            absl::FromCivil(absl::CivilSecond(2036, 1, 5, 9, 6, 5), absl::UTCTimeZone()));
  EXPECT_FALSE(Time(kDerUtcTime, "360105090605+2500").ok());
}

TEST(DecodeDerTimeTest, RejectsLocalTimesAndImpossibleDates) {
  for (absl::string_view bad : {"250602083530", "250602083530+01", "251302083530Z", "250230083530Z",
                                "250602243530Z", "2506020835Z0", "", "Z"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(Time(kDerUtcTime, bad).status().code(), absl::StatusCode::kDataLoss);
  }
  EXPECT_FALSE(Time(kDerOctetString, "250602083530Z").ok());
}

}  // namespace
}  // namespace caawatch::ctlog
