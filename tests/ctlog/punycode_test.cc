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

TEST(ToALabelsTest, RefusesTextThatIsNotAHostName) {
  EXPECT_EQ(ToALabels("\xc3\xb1"
                      "eco s"),
            std::nullopt);                                     // Space.
  EXPECT_EQ(ToALabels("a\xff.example"), std::nullopt);         // Not UTF-8.
  EXPECT_EQ(ToALabels("a\xc3"), std::nullopt);                 // Truncated sequence.
  EXPECT_EQ(ToALabels("\xc0\xaf.example"), std::nullopt);      // Overlong encoding.
  EXPECT_EQ(ToALabels(std::string("a\0b", 3)), std::nullopt);  // NUL.
}

}  // namespace
}  // namespace caawatch::ctlog
