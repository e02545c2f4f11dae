#include "ctlog/punycode.h"

#include <optional>
#include <string>

#include "gtest/gtest.h"

namespace caawatch::ctlog {
namespace {

TEST(ToALabelsTest, EncodesRfc3492AndRealCertificateExamples) {
  EXPECT_EQ(ToALabels("b\xc3\xbc"
                      "cher.example"),
            "xn--bcher-kva.example");
  EXPECT_EQ(ToALabels("m\xc3\xbc"
                      "nchen.de"),
            "xn--mnchen-3ya.de");
  // The pair carried side by side in pyca's utf8-dnsname.pem SAN.
  EXPECT_EQ(ToALabels("*.biztos\xc3\xadt\xc3\xa1s.hu"), "*.xn--biztosts-fza2j.hu");
  // RFC 3492 §7.1 (B) Chinese (simplified).
  EXPECT_EQ(ToALabels("\xe4\xbb\x96\xe4\xbb\xac\xe4\xb8\xba\xe4\xbb\x80\xe4\xb9\x88\xe4\xb8\x8d"
                      "\xe8\xaf\xb4\xe4\xb8\xad\xe6\x96\x87"),
            "xn--ihqwcrb4cv8a8dqg056pqjye");
  EXPECT_EQ(ToALabels("www.example.com"), "www.example.com");
}

TEST(ToALabelsTest, EncodesTheOtherRfc3492SamplesAndCodePointsOutsideTheBmp) {
  // RFC 3492 §7.1 (A) Arabic (Egyptian) and (L) 3<nen>B<gumi><kinpachi><sensei>.
  EXPECT_EQ(ToALabels("\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645"
                      "\u0648\u0634\u0639\u0631\u0628\u064A\u061F"),
            "xn--egbpdaj6bu4bxfgehfvwxn");
  EXPECT_EQ(ToALabels("3\u5E74B\u7D44\u91D1\u516B\u5148\u751F"), "xn--3B-ww4c5e180e575a65lsy2b");
  EXPECT_EQ(ToALabels("\u00E9"), "xn--9ca");
  EXPECT_EQ(ToALabels("\U0001F600.example"), "xn--e28h.example");
}

TEST(ToALabelsTest, RefusesTextThatIsNotAHostName) {
  EXPECT_EQ(ToALabels("\xc3\xb1"
                      "eco s"),
            std::nullopt);                                     // Space.
  EXPECT_EQ(ToALabels("a\xff.example"), std::nullopt);         // Not UTF-8.
  EXPECT_EQ(ToALabels("a\xc3"), std::nullopt);                 // Truncated sequence.
  EXPECT_EQ(ToALabels("\xc0\xaf.example"), std::nullopt);      // Overlong encoding.
  EXPECT_EQ(ToALabels(std::string("a\0b", 3)), std::nullopt);  // NUL.
  EXPECT_EQ(ToALabels("\xed\xa0\x80"), std::nullopt);          // A UTF-16 surrogate.
}

}  // namespace
}  // namespace caawatch::ctlog
