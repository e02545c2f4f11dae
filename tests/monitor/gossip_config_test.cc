// The configuration keys of issue 21's gossip and tiles (SPEC §9): heads_peers and their
// interval and credentials, and log_tiles, read and checked as the README says.
#include <string>

#include "absl/strings/match.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "monitor/config.h"

namespace caawatch::monitor {
namespace {

TEST(GossipConfigTest, HeadsPeersAndTheirIntervalAndCredentialsAreRead) {
  const absl::StatusOr<MonitorConfig> config = ParseConfig(
      R"({"heads_peers": ["grpc://127.0.0.1:7444", "https://peer.example/heads"],
          "heads_peer_interval": "30s", "heads_peer_tls_ca": "/etc/ca.pem",
          "heads_peer_token_file": "/etc/token"})",
      MonitorConfig{});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->heads_peers.size(), 2u);
  EXPECT_EQ(config->heads_peers[0], "grpc://127.0.0.1:7444");
  EXPECT_EQ(config->heads_peer_interval, absl::Seconds(30));
  EXPECT_EQ(config->heads_peer_tls_ca, "/etc/ca.pem");
  EXPECT_EQ(config->heads_peer_token_file, "/etc/token");
  EXPECT_EQ(MonitorConfig{}.heads_peer_interval, absl::Minutes(5));
}

TEST(GossipConfigTest, LogTilesMapsLogUrlsToTilePrefixesAndRefusesWhatIsNotAUrl) {
  const absl::StatusOr<MonitorConfig> config =
      ParseConfig(R"({"log_tiles": {"https://ct.example/2026": "https://tiles.ct.example/2026/"}})",
                  MonitorConfig{});
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->log_tiles.size(), 1u);
  // Keyed by the log URL as log lists give it, with its trailing '/'.
  EXPECT_EQ(config->log_tiles.at("https://ct.example/2026/"), "https://tiles.ct.example/2026/");
  for (const char* bad : {R"({"log_tiles": {"https://ct.example/": "tiles/"}})",
                          R"({"log_tiles": {"ct.example": "https://tiles.example/"}})",
                          R"({"log_tiles": {"https://ct.example/": 3}})",
                          R"({"log_tiles": ["https://ct.example/"]})"}) {
    const absl::StatusOr<MonitorConfig> refused = ParseConfig(bad, MonitorConfig{});
    EXPECT_TRUE(absl::IsInvalidArgument(refused.status())) << bad;
    EXPECT_TRUE(absl::StrContains(refused.status().message(), "log_tiles")) << refused.status();
  }
}

}  // namespace
}  // namespace caawatch::monitor
