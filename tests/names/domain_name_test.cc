#include "names/domain_name.h"

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::names {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string Normal(absl::string_view text) {
  absl::StatusOr<DomainName> name = DomainName::Parse(text);
  EXPECT_TRUE(name.ok()) << name.status();
  return name.ok() ? name->str() : std::string();
}

DomainName Name(absl::string_view text) { return *DomainName::Parse(text); }

void ExpectRefused(absl::string_view text, absl::string_view why) {
  absl::StatusOr<DomainName> name = DomainName::Parse(text);
  ASSERT_FALSE(name.ok()) << "accepted as " << *name;
  EXPECT_EQ(name.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(name.status().message(), HasSubstr(why));
}

TEST(DomainNameTest, AsciiIsLowercasedAndLosesOneTrailingDot) {
  EXPECT_EQ(Normal("WWW.Example.COM."), "www.example.com");
  EXPECT_EQ(Normal("_acme-challenge.example.com"), "_acme-challenge.example.com");
  EXPECT_EQ(Normal("com"), "com");
}

TEST(DomainNameTest, ULabelsBecomeALabels) {
  EXPECT_EQ(Normal("bücher.example"), "xn--bcher-kva.example");
  EXPECT_EQ(Normal("例子.测试"), "xn--fsqu00a.xn--0zwm56d");
  EXPECT_EQ(Normal("münchen.de."), "xn--mnchen-3ya.de");
  // An A-label given as such is kept, and names a mixed spelling the same way.
  EXPECT_EQ(Normal("xn--bcher-kva.Example"), Normal("Bücher.example"));
}

// RFC 3492 §7.1 samples that IDNA2008 allows, and the pair in pyca's utf8-dnsname.pem SAN.
TEST(DomainNameTest, ALabelsMatchRfc3492AndRealCertificates) {
  EXPECT_EQ(Normal("*.biztos\xc3\xadt\xc3\xa1s.hu"), "*.xn--biztosts-fza2j.hu");
  EXPECT_EQ(Normal("\xe4\xbb\x96\xe4\xbb\xac\xe4\xb8\xba\xe4\xbb\x80\xe4\xb9\x88\xe4\xb8\x8d"
                   "\xe8\xaf\xb4\xe4\xb8\xad\xe6\x96\x87"),
            "xn--ihqwcrb4cv8a8dqg056pqjye");
  // (L) with its ASCII upper case folded: A-labels are lowercase.
  EXPECT_EQ(Normal("3\u5E74B\u7D44\u91D1\u516B\u5148\u751F"), "xn--3b-ww4c5e180e575a65lsy2b");
  EXPECT_EQ(Normal("\u00E9"), "xn--9ca");
}

TEST(DomainNameTest, Uts46MappingFoldsCaseAndFullWidthForms) {
  EXPECT_EQ(Normal("BÜCHER.Example"), "xn--bcher-kva.example");
  // Full-width letters and the full-width and ideographic full stops separate labels.
  EXPECT_EQ(Normal("ｅｘａｍｐｌｅ．ｃｏｍ"), "example.com");
  EXPECT_EQ(Normal("a。b｡c"), "a.b.c");
  EXPECT_EQ(Normal("ﬁ.de"), "fi.de");  // Compatibility ligature.
}

TEST(DomainNameTest, SharpSUnderNontransitionalProcessingStaysItself) {
  // Transitional processing (IDNA2003) would map "faß" to "fass", another registrant's name.
  EXPECT_EQ(Normal("faß.de"), "xn--fa-hia.de");
  EXPECT_NE(Normal("faß.de"), Normal("fass.de"));
}

TEST(DomainNameTest, InvalidLabelsAreRefusedWithAClearError) {
  ExpectRefused("ab--c.bücher.de", "not a valid IDNA name");  // Hyphens in places 3 and 4.
  ExpectRefused("bü-.de", "hyphen");
  ExpectRefused("\xcc\x81x.de", "combining");         // A label starting with a combining mark.
  ExpectRefused("\xff.de", "not a valid IDNA name");  // Not UTF-8.
  ExpectRefused("", "is empty");
  ExpectRefused(".", "is empty");
  ExpectRefused("a..example.com", "empty label");
  ExpectRefused(".example.com", "empty label");
  ExpectRefused("example.com..", "empty label");
  ExpectRefused("exa mple.com", "character other than");
  ExpectRefused("a/b.bücher.de", "character other than");
}

TEST(DomainNameTest, ANulIsRefusedNotCutShort) {
  ExpectRefused(std::string("bücher\0.evil.com", 17), "NUL");
  ExpectRefused(std::string("www\0.evil.com", 13), "character other than");
}

TEST(DomainNameTest, ErrorsQuoteTheTextEscaped) {
  absl::StatusOr<DomainName> name = DomainName::Parse("evil\n\x1b[31m.com");
  ASSERT_FALSE(name.ok());
  EXPECT_THAT(name.status().message(), HasSubstr("\"evil\\n\\x1b[31m.com\""));
  EXPECT_THAT(name.status().message(), Not(HasSubstr("\n")));
}

TEST(DomainNameTest, LabelsAreAtMost63AndNamesAtMost253Octets) {
  const std::string label63(63, 'a');
  EXPECT_EQ(Normal(label63 + ".com"), label63 + ".com");
  ExpectRefused(label63 + "a.com", "label longer than 63");
  // 4 x 63 + 3 dots = 255; cut to 253 exactly.
  std::string name253 = label63 + "." + label63 + "." + label63 + "." + std::string(61, 'b');
  ASSERT_EQ(name253.size(), 253u);
  EXPECT_EQ(Normal(name253), name253);
  EXPECT_EQ(Normal(name253 + "."), name253);
  ExpectRefused(name253 + "b", "longer than 253");
  // A U-label whose A-label would be over 63 octets: 25 different ideographs.
  std::string long_u;
  for (int i = 0; i < 25; ++i) {
    const int c = 0x4e00 + i * 97;  // Three UTF-8 bytes each.
    long_u += {static_cast<char>(0xe0 | (c >> 12)), static_cast<char>(0x80 | ((c >> 6) & 0x3f)),
               static_cast<char>(0x80 | (c & 0x3f))};
  }
  ExpectRefused(long_u + ".de", "too large");
  ExpectRefused(std::string(DomainName::kMaxTextBytes + 1, 'a'), "longer than 4096 bytes");
}

TEST(DomainNameTest, WildcardBaseDropsTheStarLabelOnly) {
  const DomainName wildcard = Name("*.Example.com");
  EXPECT_TRUE(wildcard.is_wildcard());
  EXPECT_EQ(wildcard.str(), "*.example.com");
  EXPECT_EQ(wildcard.WildcardBase(), Name("example.com"));
  EXPECT_FALSE(Name("www.example.com").is_wildcard());
  EXPECT_EQ(Name("www.example.com").WildcardBase(), Name("www.example.com"));
  // A '*' inside a label is a literal character (certspotter's watch syntax), no wildcard.
  EXPECT_FALSE(Name("w*b.example.com").is_wildcard());
  EXPECT_FALSE(Name("*x.example.com").is_wildcard());
}

TEST(DomainNameTest, ParentDropsTheLeftmostLabelUpToTheTld) {
  const DomainName name = Name("a.b.example.com");
  EXPECT_EQ(name.label_count(), 4u);
  EXPECT_EQ(name.first_label(), "a");
  EXPECT_EQ(name.Parent(), Name("b.example.com"));
  EXPECT_EQ(Name("com").Parent(), std::nullopt);
  EXPECT_EQ(Name("com").label_count(), 1u);
}

TEST(DomainNameTest, IsUnderComparesWholeLabels) {
  const DomainName base = Name("example.com");
  EXPECT_TRUE(Name("www.example.com").IsUnder(base));
  EXPECT_TRUE(Name("a.b.example.com").IsAtOrUnder(base));
  EXPECT_TRUE(base.IsAtOrUnder(base));
  EXPECT_FALSE(base.IsUnder(base));
  EXPECT_FALSE(Name("notexample.com").IsAtOrUnder(base));
  EXPECT_FALSE(Name("example.com.evil").IsAtOrUnder(base));
  EXPECT_FALSE(Name("com").IsAtOrUnder(base));
  EXPECT_TRUE(Name("*.example.com").IsUnder(base));
}

TEST(DomainNameTest, IsNormalizedIsTrueExactlyForParsesOwnOutput) {
  EXPECT_TRUE(DomainName::IsNormalized("www.example.com"));
  EXPECT_TRUE(DomainName::IsNormalized("xn--bcher-kva.example"));
  EXPECT_FALSE(DomainName::IsNormalized("Www.example.com"));
  EXPECT_FALSE(DomainName::IsNormalized("www.example.com."));
  EXPECT_FALSE(DomainName::IsNormalized("bücher.example"));
  EXPECT_FALSE(DomainName::IsNormalized("a..b"));
  EXPECT_FALSE(DomainName::IsNormalized(""));
}

// What the watchlist's saved index and bulk reader hand back: a name exactly as Parse gave it
// is that name; anything else is refused, never taken as a name.
TEST(DomainNameTest, FromNormalizedTakesExactlyParsesOwnOutput) {
  for (const char* text :
       {"www.example.com", "xn--bcher-kva.example", "*.example.com", "_dmarc.a"}) {
    const std::optional<DomainName> name = DomainName::FromNormalized(text);
    ASSERT_TRUE(name.has_value()) << text;
    EXPECT_EQ(*name, DomainName::Parse(text).value());
  }
  for (const char* text :
       {"Www.example.com", "www.example.com.", "b\u00FCcher.example", "a..b", ""}) {
    EXPECT_FALSE(DomainName::FromNormalized(text).has_value()) << text;
  }
}

TEST(DomainNameTest, ParseAsciiIntoTakesOnlyWhatParseTakesWithoutIdna) {
  std::string out;
  EXPECT_TRUE(DomainName::ParseAsciiInto("WWW.Example.com.", &out));
  EXPECT_EQ(out, "www.example.com");
  EXPECT_FALSE(DomainName::ParseAsciiInto("bücher.example", &out));
  EXPECT_FALSE(DomainName::ParseAsciiInto("a..b", &out));
}

TEST(FoldCaseTest, LowersAsciiAndDropsOneTrailingDotOfAnyText) {
  std::string scratch;
  EXPECT_EQ(FoldCase("WWW.Example.COM.", &scratch), "www.example.com");
  EXPECT_EQ(FoldCase("Bad Name..", &scratch), "bad name.");  // Not a name: folded, not refused.
  EXPECT_EQ(FoldCase("\xc3\x89.Example", &scratch), "\xc3\x89.example");  // Only ASCII folds.
  EXPECT_EQ(FoldCase(".", &scratch), "");
}

TEST(FoldCaseTest, AgreesWithParseOnAsciiNames) {
  for (absl::string_view text : {"WWW.Example.COM.", "_Acme.X", "*.EXAMPLE.org", "com"}) {
    std::string scratch;
    EXPECT_EQ(FoldCase(text, &scratch), Normal(text)) << text;
  }
}

TEST(FoldCaseTest, TextAlreadyFoldedIsNotCopied) {
  const std::string text = "www.example.com.";
  std::string scratch;
  const absl::string_view folded = FoldCase(text, &scratch);
  EXPECT_EQ(folded.data(), text.data());
  EXPECT_EQ(folded, "www.example.com");
  EXPECT_TRUE(scratch.empty());
}

}  // namespace
}  // namespace caawatch::names
