// caawatch-config(5) documents every key the configuration parser accepts: a key added to
// monitor/config.cc without a line in packaging/caawatch-config.5 fails here.
#include <fstream>
#include <sstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "monitor/config.h"

namespace caawatch::monitor {
namespace {

TEST(ConfigManPageTest, DocumentsEveryKeyTheParserAccepts) {
  std::ifstream in(CAAWATCH_SOURCE_DIR "/packaging/caawatch-config.5");
  ASSERT_TRUE(in) << "cannot read packaging/caawatch-config.5";
  std::stringstream page;
  page << in.rdbuf();
  // roff writes the underscore as is; each key is a bold term: ".B key" or "\fBkey\fR".
  const std::string text = page.str();
  ASSERT_GT(ConfigKeys().size(), 20u);
  for (const std::string& key : ConfigKeys()) {
    const bool documented = text.find(".B " + key + "\n") != std::string::npos ||
                            text.find(".B " + key + "\\fR") != std::string::npos ||
                            text.find("\\fB" + key + "\n") != std::string::npos ||
                            text.find("\\fB" + key + "\\fR") != std::string::npos;
    EXPECT_TRUE(documented) << "caawatch-config(5) does not document the key " << key;
    // Each key is also accepted, so that the list is the parser's.
    EXPECT_THAT(ParseConfig("{\"" + key + "\": 0}", MonitorConfig()).status().message(),
                ::testing::Not(::testing::HasSubstr("unknown key")))
        << key;
  }
}

}  // namespace
}  // namespace caawatch::monitor
