// The configuration file: every key has a default, typos and wrong types are refused by name.
#include "monitor/config.h"

#include "gtest/gtest.h"

namespace caawatch::monitor {
namespace {

TEST(ParseConfigTest, EmptyObjectKeepsEveryDefault) {
  MonitorConfig defaults;
  defaults.data_dir = "/var/lib/caawatch";
  auto config = ParseConfig("{}", defaults);
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->data_dir, "/var/lib/caawatch");
  EXPECT_EQ(config->grpc_listen, "127.0.0.1:7443");
  EXPECT_TRUE(config->dnssec);
  EXPECT_EQ(config->sth_poll_interval, absl::Seconds(5));
  EXPECT_EQ(config->caa_poll_interval, absl::Hours(1));
  EXPECT_EQ(config->start_at, "beginning");
}

TEST(ParseConfigTest, ReadsEveryKindOfKey) {
  auto config = ParseConfig(R"({
    "log_list": "/etc/caawatch/logs.json", "watch": [".example.com", "a.example.net"],
    "dns_servers": ["127.0.0.1:5353"], "dnssec": false, "dns_timeout": "2500ms",
    "grpc_listen": "0.0.0.0:7443", "start_at": 12345, "sth_poll_interval": "10s",
    "caa_poll_interval": "30m", "batch_size": 256, "logs": ["argon"]})",
                            MonitorConfig{});
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->log_list, "/etc/caawatch/logs.json");
  EXPECT_EQ(config->watch.size(), 2u);
  EXPECT_EQ(config->dns_servers[0], "127.0.0.1:5353");
  EXPECT_FALSE(config->dnssec);
  EXPECT_EQ(config->dns_timeout, absl::Milliseconds(2500));
  EXPECT_EQ(config->start_at, "12345");
  EXPECT_EQ(config->caa_poll_interval, absl::Minutes(30));
  EXPECT_EQ(config->batch_size, 256u);
  EXPECT_EQ(config->logs[0], "argon");
}

TEST(ParseConfigTest, RefusesUnknownKeysAndWrongTypesByName) {
  const struct {
    const char* json;
    const char* key;
  } kCases[] = {
      {R"({"dnsec": true})", "dnsec"},
      {R"({"dnssec": "yes"})", "dnssec"},
      {R"({"sth_poll_interval": 5})", "sth_poll_interval"},
      {R"({"sth_poll_interval": "-5s"})", "sth_poll_interval"},
      {R"({"watch": "example.com"})", "watch"},
      {R"({"batch_size": 0})", "batch_size"},
  };
  for (const auto& c : kCases) {
    SCOPED_TRACE(c.json);
    auto config = ParseConfig(c.json, MonitorConfig{});
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_NE(config.status().message().find(c.key), absl::string_view::npos);
  }
  EXPECT_FALSE(ParseConfig("[1, 2]", MonitorConfig{}).ok());
  EXPECT_FALSE(ParseConfig("{not json", MonitorConfig{}).ok());
}

}  // namespace
}  // namespace caawatch::monitor
