// The `zones` and `notify_listen` configuration keys (issue 18): a followed zone is read and
// normalised, and every mistake is refused naming the entry and the key; the TSIG secret and
// DS files are read when the followers are built, and a bad one is refused naming the zone
// and never quoting the secret.
#include "monitor/zones_config.h"

#include <fstream>
#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "monitor/config.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::monitor {
namespace {

using ::testing::HasSubstr;

absl::StatusOr<MonitorConfig> Parse(const std::string& json) {
  MonitorConfig defaults;
  defaults.data_dir = "/tmp/x";
  return ParseConfig(json, defaults);
}

TEST(ZonesConfigTest, AZoneIsReadAndNormalised) {
  absl::StatusOr<MonitorConfig> c = Parse(R"({"notify_listen": "127.0.0.1:5300", "zones": [
      {"zone": "Example.COM.", "primaries": ["192.0.2.1", "[2001:db8::1]:5353"],
       "tsig_key_name": "xfr", "tsig_secret_file": "/k"}]})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->notify_listen, "127.0.0.1:5300");
  ASSERT_EQ(c->zones.size(), 1u);
  EXPECT_EQ(c->zones[0].zone, "example.com");
  EXPECT_EQ(c->zones[0].primaries,
            (std::vector<std::string>{"192.0.2.1:53", "[2001:db8::1]:5353"}));
  EXPECT_EQ(c->zones[0].tsig_algorithm, "hmac-sha256");
  EXPECT_TRUE(Parse("{}")->zones.empty());
}

TEST(ZonesConfigTest, SubtreeDiscoveryKeys) {
  EXPECT_EQ(Parse("{}")->discovered_name_expiry, absl::Hours(720));
  EXPECT_EQ(Parse("{}")->max_discovered_names, 100000u);
  absl::StatusOr<MonitorConfig> c =
      Parse(R"({"discovered_name_expiry": "48h", "max_discovered_names": 10})");
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_EQ(c->discovered_name_expiry, absl::Hours(48));
  EXPECT_EQ(c->max_discovered_names, 10u);
  EXPECT_THAT(Parse(R"({"discovered_name_expiry": "0s"})").status().message(),
              HasSubstr("discovered_name_expiry"));
  EXPECT_THAT(Parse(R"({"max_discovered_names": -1})").status().message(),
              HasSubstr("max_discovered_names"));
}

TEST(ZonesConfigTest, MistakesAreRefusedNamingTheKey) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"zones": {}})", "config: zones"},
      {R"({"zones": [1]})", "zones[0]"},
      {R"({"zones": [{"zone": "a..b", "primaries": ["192.0.2.1"]}]})", "zones[0].zone"},
      {R"({"zones": [{"zone": "a.test"}]})", "zones[0].primaries: missing"},
      {R"({"zones": [{"zone": "a.test", "primaries": ["ns.a.test"]}]})", "zones[0].primaries"},
      {R"({"zones": [{"zone": "a.test", "primaries": ["192.0.2.1:99999"]}]})",
       "zones[0].primaries"},
      {R"({"zones": [{"zone": "a.test", "primaries": ["192.0.2.1"], "tsig_key_name": "k"}]})",
       "zones[0].tsig_key_name"},
      {R"({"zones": [{"zone": "a.test", "primaries": ["192.0.2.1"], "primary": "x"}]})",
       "zones[0].primary: unknown key"},
      {R"({"zones": [{"zone": "a.test", "primaries": ["192.0.2.1"]},
                     {"zone": "A.test.", "primaries": ["192.0.2.1"]}]})",
       "zones[1].zone: a.test is listed twice"},
      {R"({"notify_listen": 5})", "config: notify_listen"},
  };
  for (const auto& [json, want] : cases) {
    absl::StatusOr<MonitorConfig> c = Parse(json);
    ASSERT_FALSE(c.ok()) << json;
    EXPECT_EQ(c.status().code(), absl::StatusCode::kInvalidArgument) << json;
    EXPECT_THAT(c.status().message(), HasSubstr(want)) << json;
  }
}

TEST(ZonesConfigTest, TheSecretAndDsFilesAreCheckedWhenTheFollowersAreBuilt) {
  TempDir dir("zones_config");
  const std::string secret = dir.string() + "/secret";
  const std::string ds = dir.string() + "/ds";
  std::ofstream(secret) << "bm90IGJhc2U2NCE=\n";
  std::ofstream(ds) << "a.test. 3600 IN DS 2371 13 2 "
                       "1F987CC6583E92DF0890718C42E5A6C98CDE0FB0A7A5F7F8F1E2D3C4B5A69788\n";
  FollowedZoneConfig z;
  z.zone = "a.test";
  z.primaries = {"127.0.0.1:53"};
  z.tsig_key_name = "k";
  z.tsig_secret_file = secret;
  z.ds_file = ds;
  absl::StatusOr<std::vector<judge::FollowedZoneSettings>> s = FollowedZoneSettingsOf({z});
  ASSERT_TRUE(s.ok()) << s.status();
  ASSERT_EQ(s->size(), 1u);
  ASSERT_TRUE((*s)[0].tsig.has_value());
  EXPECT_EQ((*s)[0].tsig->secret_base64, "bm90IGJhc2U2NCE=");
  EXPECT_EQ((*s)[0].ds.size(), 1u);

  std::ofstream(secret) << "not base64 at all, this secret!\n";
  s = FollowedZoneSettingsOf({z});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("zone a.test: tsig_secret_file"));
  EXPECT_THAT(s.status().message(), ::testing::Not(HasSubstr("this secret")));

  z.tsig_key_name.clear();
  z.tsig_secret_file.clear();
  std::ofstream(ds) << "b.test. 3600 IN DS 2371 13 2 1F98\n";
  s = FollowedZoneSettingsOf({z});
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.status().message(), HasSubstr("zone a.test"));
}

}  // namespace
}  // namespace caawatch::monitor
