// caawatch-config(5) documents every key the configuration parser accepts: a key added to
// monitor/config.cc without a line in packaging/caawatch-config.5 fails here. And the
// configuration and watchlist the package installs are ones caawatch accepts.
#include <fstream>
#include <sstream>
#include <string>

#include "absl/strings/str_replace.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "monitor/config.h"
#include "watch/watchlist.h"

namespace caawatch::monitor {
namespace {

std::string ReadSource(const std::string& path) {
  std::ifstream in(CAAWATCH_SOURCE_DIR "/" + path);
  EXPECT_TRUE(in) << "cannot read " << path;
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ConfigManPageTest, DocumentsEveryKeyTheParserAccepts) {
  // roff writes the underscore as is; each key is a bold term: ".B key" or "\fBkey\fR".
  const std::string text = ReadSource("packaging/caawatch-config.5");
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

TEST(ConfigManPageTest, ThePackagedConfigurationAndWatchlistParse) {
  const std::string json = absl::StrReplaceAll(ReadSource("packaging/caawatch.json.in"),
                                               {{"@config_dir@", "/etc/caawatch"}});
  const absl::StatusOr<MonitorConfig> config = ParseConfig(json, MonitorConfig());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->watchlist_file, "/etc/caawatch/watchlist");
  const absl::StatusOr<std::vector<watch::WatchItem>> watchlist =
      watch::ParseWatchlist(ReadSource("packaging/watchlist"));
  ASSERT_TRUE(watchlist.ok()) << watchlist.status();
  EXPECT_TRUE(watchlist->empty()) << "the packaged watchlist holds only comments";
}

}  // namespace
}  // namespace caawatch::monitor
