#include "monitor/punycode.h"

#include "gtest/gtest.h"

namespace caawatch::monitor {
namespace {

TEST(PunycodeTest, EncodesRfc3492SampleStrings) {
  // RFC 3492 §7.1: (A) Arabic (Egyptian), (B) Chinese (simplified), (L) 3<nen>B<gumi>...
  EXPECT_EQ(*PunycodeEncode("\u0644\u064A\u0647\u0645\u0627\u0628\u062A\u0643\u0644\u0645"
                            "\u0648\u0634\u0639\u0631\u0628\u064A\u061F"),
            "egbpdaj6bu4bxfgehfvwxn");
  EXPECT_EQ(*PunycodeEncode("\u4ED6\u4EEC\u4E3A\u4EC0\u4E48\u4E0D\u8BF4\u4E2D\u6587"),
            "ihqwcrb4cv8a8dqg056pqjye");
  EXPECT_EQ(*PunycodeEncode("3\u5E74B\u7D44\u91D1\u516B\u5148\u751F"), "3B-ww4c5e180e575a65lsy2b");
}

TEST(PunycodeTest, EncodesCommonIdnLabels) {
  EXPECT_EQ(*PunycodeEncode("b\u00FCcher"), "bcher-kva");
  EXPECT_EQ(*PunycodeEncode("m\u00FCnchen"), "mnchen-3ya");
  EXPECT_EQ(*PunycodeEncode("\u00E9"), "9ca");
  EXPECT_EQ(*PunycodeEncode("\U0001F600"), "e28h");  // Outside the BMP.
}

TEST(PunycodeTest, RejectsInvalidUtf8) {
  EXPECT_EQ(PunycodeEncode("\xC3").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PunycodeEncode("\xC0\xAF").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PunycodeEncode("\xED\xA0\x80").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(PunycodeEncode("\xFF").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace caawatch::monitor
