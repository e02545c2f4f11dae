#include "monitor/config.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace caawatch::monitor {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

MonitorConfig Defaults() {
  MonitorConfig defaults;
  defaults.data_dir = "/home/u/.local/share/caawatch";
  return defaults;
}

TEST(ConfigTest, EmptyObjectGivesTheDefaults) {
  const absl::StatusOr<MonitorConfig> config = ParseConfig("{}", Defaults());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->data_dir, "/home/u/.local/share/caawatch");
  EXPECT_EQ(config->log_list, "");
  EXPECT_THAT(config->watch, IsEmpty());
  EXPECT_THAT(config->dns_servers, IsEmpty());
  EXPECT_TRUE(config->dnssec);
  EXPECT_EQ(config->grpc_listen, "127.0.0.1:7443");
  EXPECT_EQ(config->start_at, StartAt{});
  EXPECT_EQ(config->sth_poll_interval, absl::Seconds(1));
  EXPECT_EQ(config->caa_poll_interval, absl::Hours(1));
  EXPECT_EQ(config->log_list_refresh_interval, absl::Hours(1));
  EXPECT_EQ(config->batch_size, 1000u);
  EXPECT_EQ(config->max_held_findings, 4096u);
  EXPECT_EQ(config->max_requests_per_second, 10);
  EXPECT_EQ(config->dns_timeout, absl::Seconds(5));
  EXPECT_EQ(config->dns_retries, 1);
  EXPECT_TRUE(config->dns_tcp_fallback);
  EXPECT_EQ(config->reevaluate_interval, absl::Seconds(30));
  EXPECT_EQ(config->revocation_poll_interval, absl::Hours(1));
  EXPECT_EQ(config->tree_head_history_interval, absl::Hours(1));
  EXPECT_EQ(config->keep_all_tree_heads_for, absl::Hours(24));
  EXPECT_EQ(config->caa_raw_answer_retention, absl::Hours(24 * 90));
  EXPECT_THAT(config->log_filter, IsEmpty());
  EXPECT_EQ(config->grpc_max_subscribers, 1024u);
}

TEST(ConfigTest, EveryKeyIsParsed) {
  const absl::StatusOr<MonitorConfig> config = ParseConfig(R"({
    // Comments are allowed in the file.
    "data_dir": "/var/lib/caawatch",
    "log_list": "/etc/caawatch/logs.json",
    "watch": [".example.com", "example.org issuers=pki.goog"],
    "watchlist_file": "/etc/caawatch/watchlist",
    "dns_servers": ["127.0.0.1:5353", "[::1]:53"],
    "dnssec": false,
    "trust_anchor_file": "/etc/caawatch/root.key",
    "grpc_listen": "0.0.0.0:7443",
    "grpc_tls_cert": "server.pem",
    "grpc_tls_key": "server.key",
    "grpc_client_ca": "clients.pem",
    "grpc_tokens_file": "tokens",
    "grpc_max_subscribers": 50,
    "start_at": "end",
    "sth_poll_interval": "250ms",
    "caa_poll_interval": "1h30m",
    "log_list_refresh_interval": "1s",
    "batch_size": 256,
    "max_held_findings": 64,
    "max_requests_per_second": 2.5,
    "dns_timeout": "3s",
    "dns_retries": 0,
    "dns_tcp_fallback": false,
    "reevaluate_interval": "2m",
    "revocation_poll_interval": "10m",
    "log_filter": ["https://ct.example/2025h1/"]
  })",
                                                           Defaults());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->data_dir, "/var/lib/caawatch");
  EXPECT_EQ(config->log_list, "/etc/caawatch/logs.json");
  EXPECT_THAT(config->watch, ElementsAre(".example.com", "example.org issuers=pki.goog"));
  EXPECT_EQ(config->watchlist_file, "/etc/caawatch/watchlist");
  EXPECT_THAT(config->dns_servers, ElementsAre("127.0.0.1:5353", "[::1]:53"));
  EXPECT_FALSE(config->dnssec);
  EXPECT_EQ(config->trust_anchor_file, "/etc/caawatch/root.key");
  EXPECT_EQ(config->grpc_listen, "0.0.0.0:7443");
  EXPECT_EQ(config->grpc_tls_cert, "server.pem");
  EXPECT_EQ(config->grpc_tls_key, "server.key");
  EXPECT_EQ(config->grpc_client_ca, "clients.pem");
  EXPECT_EQ(config->grpc_tokens_file, "tokens");
  EXPECT_EQ(config->grpc_max_subscribers, 50u);
  EXPECT_EQ(config->start_at, (StartAt{StartAt::Kind::kEnd, 0}));
  EXPECT_EQ(config->sth_poll_interval, absl::Milliseconds(250));
  EXPECT_EQ(config->caa_poll_interval, absl::Minutes(90));
  EXPECT_EQ(config->log_list_refresh_interval, absl::Seconds(1));
  EXPECT_EQ(config->batch_size, 256u);
  EXPECT_EQ(config->max_held_findings, 64u);
  EXPECT_EQ(config->max_requests_per_second, 2.5);
  EXPECT_EQ(config->dns_timeout, absl::Seconds(3));
  EXPECT_EQ(config->dns_retries, 0);
  EXPECT_FALSE(config->dns_tcp_fallback);
  EXPECT_EQ(config->reevaluate_interval, absl::Minutes(2));
  EXPECT_EQ(config->revocation_poll_interval, absl::Minutes(10));
  EXPECT_THAT(config->log_filter, ElementsAre("https://ct.example/2025h1/"));
}

TEST(ConfigTest, TreeHeadRetentionKeysAreParsed) {
  const absl::StatusOr<MonitorConfig> config = ParseConfig(
      R"({"tree_head_history_interval": "15m", "keep_all_tree_heads_for": "72h",
          "caa_raw_answer_retention": "720h"})",
      Defaults());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->tree_head_history_interval, absl::Minutes(15));
  EXPECT_EQ(config->keep_all_tree_heads_for, absl::Hours(72));
  EXPECT_EQ(config->caa_raw_answer_retention, absl::Hours(720));
}

TEST(ConfigTest, ZeroRequestsPerSecondMeansNoLimit) {
  absl::StatusOr<MonitorConfig> config =
      ParseConfig(R"({"max_requests_per_second": 0})", Defaults());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(config->max_requests_per_second, 0);
}

TEST(ConfigTest, StartAtTakesAnIndexAsNumberOrString) {
  const StartAt index{StartAt::Kind::kIndex, 123456789012};
  EXPECT_EQ(ParseConfig(R"({"start_at": 123456789012})", Defaults())->start_at, index);
  EXPECT_EQ(ParseConfig(R"({"start_at": "123456789012"})", Defaults())->start_at, index);
  EXPECT_EQ(ParseConfig(R"({"start_at": "beginning"})", Defaults())->start_at, StartAt{});
  EXPECT_FALSE(ParseStartAt("-1").ok());
  EXPECT_FALSE(ParseStartAt("latest").ok());
  EXPECT_FALSE(ParseStartAt("").ok());
}

TEST(ConfigTest, StartAtTakesAnRfc3339Time) {
  const StartAt at{StartAt::Kind::kTime, 0, absl::FromUnixSeconds(1795000000)};
  EXPECT_EQ(ParseConfig(R"({"start_at": "2026-11-18T11:06:40Z"})", Defaults())->start_at, at);
  EXPECT_EQ(ParseStartAt("2026-11-18T12:06:40+01:00").value(), at);
  EXPECT_EQ(ParseStartAt("2026-11-18T11:06:40.250Z")->time, absl::FromUnixMillis(1795000000250));
  EXPECT_FALSE(ParseStartAt("2026-11-18").ok());           // A date alone is not a time.
  EXPECT_FALSE(ParseStartAt("2026-11-18T11:06:40").ok());  // Nor a time without its zone.
  EXPECT_FALSE(ParseStartAt("infinite-future").ok());
  EXPECT_FALSE(ParseStartAt("2026-13-18T11:06:40Z").ok());
}

TEST(ConfigTest, UnknownKeyIsRejectedByName) {
  const absl::StatusOr<MonitorConfig> config =
      ParseConfig(R"({"dnsec": false, "batch_size": 10})", Defaults());
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(config.status().message(), HasSubstr("\"dnsec\""));
}

TEST(ConfigTest, WrongTypeOrBadValueIsRejectedNamingTheKey) {
  struct BadCase {
    const char* json;
    const char* key;
  };
  for (const BadCase& c : {
           BadCase{R"({"dnssec": "yes"})", "dnssec"},
           BadCase{R"({"watch": ".example.com"})", "watch"},
           BadCase{R"({"watch": [".example.com", 7]})", "watch"},
           BadCase{R"({"watch": ["bad!name.example.com"]})", "watch"},
           BadCase{R"({"data_dir": 5})", "data_dir"},
           BadCase{R"({"data_dir": ""})", "data_dir"},
           BadCase{R"({"batch_size": "1000"})", "batch_size"},
           BadCase{R"({"batch_size": 0})", "batch_size"},
           BadCase{R"({"batch_size": -5})", "batch_size"},
           BadCase{R"({"batch_size": 1.5})", "batch_size"},
           BadCase{R"({"max_requests_per_second": -1})", "max_requests_per_second"},
           BadCase{R"({"sth_poll_interval": 5})", "sth_poll_interval"},
           BadCase{R"({"caa_poll_interval": "1 hour"})", "caa_poll_interval"},
           BadCase{R"({"dns_timeout": "-1s"})", "dns_timeout"},
           BadCase{R"({"dns_timeout": "2m"})", "dns_timeout"},
           BadCase{R"({"dns_retries": -1})", "dns_retries"},
           BadCase{R"({"dns_retries": 11})", "dns_retries"},
           BadCase{R"({"dns_retries": "2"})", "dns_retries"},
           BadCase{R"({"dns_tcp_fallback": 1})", "dns_tcp_fallback"},
           BadCase{R"({"reevaluate_interval": "0s"})", "reevaluate_interval"},
           BadCase{R"({"revocation_poll_interval": "0s"})", "revocation_poll_interval"},
           BadCase{R"({"tree_head_history_interval": "500ms"})", "tree_head_history_interval"},
           BadCase{R"({"keep_all_tree_heads_for": "0s"})", "keep_all_tree_heads_for"},
           BadCase{R"({"caa_raw_answer_retention": "23h"})", "caa_raw_answer_retention"},
           BadCase{R"({"grpc_max_subscribers": 0})", "grpc_max_subscribers"},
           BadCase{R"({"start_at": "middle"})", "start_at"},
           BadCase{R"({"start_at": -3})", "start_at"},
           BadCase{R"({"grpc_tls_cert": "server.pem"})", "grpc_tls_key"},
       }) {
    const absl::StatusOr<MonitorConfig> config = ParseConfig(c.json, Defaults());
    ASSERT_FALSE(config.ok()) << c.json;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.json;
    EXPECT_THAT(config.status().message(), HasSubstr(c.key)) << config.status();
  }
}

TEST(ConfigTest, TextThatIsNotAJsonObjectIsRejected) {
  for (const char* text : {"", "[]", "\"x\"", "{\"dnssec\": true", "{} {}"}) {
    const absl::StatusOr<MonitorConfig> config = ParseConfig(text, Defaults());
    ASSERT_FALSE(config.ok()) << text;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << text;
  }
}

}  // namespace
}  // namespace caawatch::monitor
