// The configuration's `notify` key (notify/notify_config.h through monitor/config.h): every
// key read, every bad value refused naming the key, as `caawatch run --config` reports it.
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "monitor/config.h"

namespace caawatch::monitor {
namespace {

using ::testing::HasSubstr;

TEST(NotifyConfigTest, EverySinkAndKeyIsRead) {
  const absl::StatusOr<MonitorConfig> config = ParseConfig(R"({"notify": {
      // Comments are allowed, as in the rest of the file.
      "sinks": [
        {"email": "sec@example.com", "min_severity": "warning"},
        {"webhook": "https://h.example/x", "secret_file": "/k", "timeout": "10s"},
        {"script": "/bin/hook", "watch": [".example.com", "shop.example.net"]}],
      "hooks_dir": "/etc/hooks.d", "sendmail": "/usr/bin/msmtp", "mail_from": "cw@example.com",
      "webhook_ca_file": "/ca.pem", "poll_interval": "2s", "max_backoff": "1m",
      "once_attempts": 7, "heartbeat": "24h"}})",
                                                           MonitorConfig{});
  ASSERT_TRUE(config.ok()) << config.status();
  const notify::NotifyConfig& n = config->notify;
  ASSERT_EQ(n.sinks.size(), 3u);
  EXPECT_EQ(n.sinks[0].kind, notify::SinkKind::kEmail);
  EXPECT_EQ(n.sinks[0].target, "sec@example.com");
  EXPECT_EQ(n.sinks[0].min_severity, store::Severity::kWarning);
  EXPECT_EQ(n.sinks[1].kind, notify::SinkKind::kWebhook);
  EXPECT_EQ(n.sinks[1].secret_file, "/k");
  EXPECT_EQ(n.sinks[1].timeout, absl::Seconds(10));
  EXPECT_EQ(n.sinks[1].min_severity, store::Severity::kInfo);  // The default: every finding.
  EXPECT_EQ(n.sinks[2].kind, notify::SinkKind::kScript);
  EXPECT_THAT(n.sinks[2].watch, ::testing::ElementsAre(".example.com", "shop.example.net"));
  EXPECT_EQ(n.hooks_dir, "/etc/hooks.d");
  EXPECT_EQ(n.sendmail, "/usr/bin/msmtp");
  EXPECT_EQ(n.mail_from, "cw@example.com");
  EXPECT_EQ(n.webhook_ca_file, "/ca.pem");
  EXPECT_EQ(n.poll_interval, absl::Seconds(2));
  EXPECT_EQ(n.max_backoff, absl::Minutes(1));
  EXPECT_EQ(n.once_attempts, 7);
  EXPECT_EQ(n.heartbeat, absl::Hours(24));
}

TEST(NotifyConfigTest, ABadValueIsRefusedNamingItsKey) {
  struct Case {
    const char* notify;
    const char* key;
  };
  const Case cases[] = {
      {R"({"sink": []})", "unknown key \"sink\""},
      {R"({"sinks": {}})", "sinks: want an array"},
      {R"({"sinks": [{"email": "a@b.example", "webhook": "https://x"}]})",
       "sinks[0]: want exactly one of"},
      {R"({"sinks": [{}]})", "sinks[0]: want exactly one of"},
      {R"({"sinks": [{"script": ""}]})", "sinks[0].script: empty"},
      {R"({"sinks": [{"script": "/x"}, {"email": "a@b", "min_severity": "high"}]})",
       "sinks[1].min_severity: want info, warning or critical"},
      {R"({"sinks": [{"script": "/x", "timeout": "0s"}]})", "sinks[0].timeout: want a positive"},
      {R"({"sinks": [{"script": "/x", "watch": ["a b"]}]})", "sinks[0].watch: not a watch item"},
      {R"({"sinks": [{"script": "/x", "secret_file": "/k"}]})",
       "sinks[0].secret_file: only for a webhook"},
      {R"({"sinks": [{"script": "/x", "colour": 1}]})", "sinks[0]: unknown key \"colour\""},
      {R"({"poll_interval": "soon"})", "poll_interval: want a positive"},
      {R"({"once_attempts": 0})", "once_attempts: want an integer from 1 to 20"},
      {R"({"heartbeat": "-1h"})", "heartbeat: want a positive"},
      {R"({"sendmail": ""})", "sendmail: empty"},
      {R"([])", "notify: want an object"},
  };
  for (const Case& c : cases) {
    const absl::StatusOr<MonitorConfig> config =
        ParseConfig(absl::StrCat(R"({"notify": )", c.notify, "}"), MonitorConfig{});
    ASSERT_FALSE(config.ok()) << c.notify;
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument) << c.notify;
    EXPECT_THAT(config.status().message(), HasSubstr("config: notify"));
    EXPECT_THAT(config.status().message(), HasSubstr(c.key)) << c.notify;
  }
}

}  // namespace
}  // namespace caawatch::monitor
