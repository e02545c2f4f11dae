// `--log-format json` (issue 16): a log line's text as a JSON string stays valid JSON whatever
// the message holds (quotes, control characters, bytes that are not UTF-8).
#include "base/log.h"
#include "gtest/gtest.h"

namespace caawatch {
namespace {

TEST(LogFormatTest, JsonStringEscapesWhatJsonForbidsAndKeepsUtf8) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a \"b\" \\ c\n\t"), "\"a \\\"b\\\" \\\\ c\\n\\u0009\"");
  EXPECT_EQ(JsonString("caf\xc3\xa9 \xe2\x80\x94"), "\"caf\xc3\xa9 \xe2\x80\x94\"");
  // A lone continuation byte, a truncated sequence and an overlong form are not UTF-8.
  EXPECT_EQ(JsonString("\x80"), "\"\\ufffd\"");
  EXPECT_EQ(JsonString("x\xe2\x80"), "\"x\\ufffd\\ufffd\"");
  EXPECT_EQ(JsonString("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
}

}  // namespace
}  // namespace caawatch
