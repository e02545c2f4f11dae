// The parts of iodef delivery a hostile zone or a burst of findings could abuse: which target
// values are sent to, how many reports a target gets, and the `notify.iodef` configuration.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "notify/iodef_rate_limit.h"
#include "notify/iodef_target.h"
#include "notify/notify_config.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch::notify {
namespace {

TEST(IodefTargetTest, AcceptsMailtoAndHttpsOnly) {
  absl::StatusOr<IodefTarget> mail = ParseIodefTarget("MAILTO:security@example.com");
  ASSERT_TRUE(mail.ok()) << mail.status();
  EXPECT_EQ(mail->kind, IodefTarget::Kind::kMail);
  EXPECT_EQ(mail->address, "security@example.com");
  // RFC 6068 header fields are dropped: the report's headers are caawatch's.
  absl::StatusOr<IodefTarget> hfields = ParseIodefTarget("mailto:a@example.com?bcc=b@evil.test");
  ASSERT_TRUE(hfields.ok()) << hfields.status();
  EXPECT_EQ(hfields->address, "a@example.com");
  absl::StatusOr<IodefTarget> https = ParseIodefTarget("https://ca.example/iodef");
  ASSERT_TRUE(https.ok()) << https.status();
  EXPECT_EQ(https->kind, IodefTarget::Kind::kHttps);
  EXPECT_EQ(https->url, "https://ca.example/iodef");

  for (const std::string& bad : std::vector<std::string>{
           "http://ca.example/iodef", "ftp://x/y", "mailto:a@example.com\r\nBcc: b@evil.test",
           "mailto:a@example.com\nX: y", "mailto:-oQ/tmp@x.test", "mailto:", "https://x/a b",
           "https://x/\r\nHost: evil", "javascript:alert(1)", "",
           "https://x/" + std::string(kMaxIodefTargetBytes, 'a')}) {
    absl::StatusOr<IodefTarget> t = ParseIodefTarget(bad);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
  }
}

TEST(IodefTargetTest, TakesTheIodefValuesOfTheForbiddingSetsOnly) {
  store::FindingRecord f;
  store::CaaNameRecord* forbidding = f.add_caa();
  forbidding->set_verdict("forbidden");
  for (const char* v : {"mailto:a@x.test", "https://x.test/r", "mailto:a@x.test"}) {
    store::CaaRecordPb* r = forbidding->add_records();
    r->set_tag("IODEF");
    r->set_value(v);
  }
  store::CaaRecordPb* issue = forbidding->add_records();
  issue->set_tag("issue");
  issue->set_value("ca.test");
  store::CaaNameRecord* no_data = f.add_caa();
  no_data->set_verdict("no_data");
  no_data->set_retrospective_verdict("forbidden");
  no_data->add_records()->set_tag("iodef");
  no_data->mutable_records(0)->set_value("mailto:b@y.test");
  store::CaaNameRecord* permitted = f.add_caa();
  permitted->set_verdict("permitted");
  permitted->add_records()->set_tag("iodef");
  permitted->mutable_records(0)->set_value("mailto:c@z.test");
  EXPECT_EQ(ForbiddingIodefValues(f),
            (std::vector<std::string>{"mailto:a@x.test", "https://x.test/r", "mailto:b@y.test"}));
}

TEST(IodefRateLimitTest, AllowsRatePerTargetPerHour) {
  IodefRateLimit limit(2);
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(limit.Allows("mailto:a@x.test", t0));
    EXPECT_TRUE(limit.Count("mailto:a@x.test", t0).ok());
  }
  EXPECT_FALSE(limit.Allows("mailto:a@x.test", t0 + absl::Minutes(59)));
  EXPECT_TRUE(limit.Allows("mailto:b@x.test", t0));
  EXPECT_TRUE(limit.Allows("mailto:a@x.test", t0 + absl::Minutes(61)));
}

TEST(IodefRateLimitTest, RemembersABoundedNumberOfTargets) {
  IodefRateLimit limit(1);
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  for (size_t i = 0; i < IodefRateLimit::kMaxTargets; ++i) {
    const std::string target = "https://t" + std::to_string(i) + ".test/";
    ASSERT_TRUE(limit.Allows(target, t0));
    EXPECT_TRUE(limit.Count(target, t0).ok());
  }
  // Full of targets busy this hour: a new one is refused, not an old one forgotten.
  EXPECT_FALSE(limit.Allows("https://new.test/", t0 + absl::Minutes(1)));
  // An hour later the old ones are gone and there is room again.
  EXPECT_TRUE(limit.Allows("https://new.test/", t0 + absl::Minutes(61)));
}

using IodefRateLimitStoreTest = StoreFixture;

TEST_F(IodefRateLimitStoreTest, ARestartDoesNotResetATargetsHour) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  {
    IodefRateLimit limit(2, &store_->iodef_reports());
    for (int i = 0; i < 2; ++i) {
      ASSERT_TRUE(limit.Allows("mailto:a@x.test", t0));
      ASSERT_TRUE(limit.Count("mailto:a@x.test", t0 + absl::Minutes(i)).ok());
    }
  }
  Reopen();  // What a restart of `caawatch run` does.
  IodefRateLimit limit(2, &store_->iodef_reports());
  EXPECT_FALSE(limit.Allows("mailto:a@x.test", t0 + absl::Minutes(59)));
  EXPECT_TRUE(limit.Allows("mailto:b@x.test", t0 + absl::Minutes(59)));
  // The first report leaves the hour at t0 + 60 min: one more then, not two.
  EXPECT_TRUE(limit.Allows("mailto:a@x.test", t0 + absl::Minutes(60) + absl::Seconds(1)));
  ASSERT_TRUE(limit.Count("mailto:a@x.test", t0 + absl::Minutes(60) + absl::Seconds(1)).ok());
  EXPECT_FALSE(limit.Allows("mailto:a@x.test", t0 + absl::Minutes(60) + absl::Seconds(2)));
}

TEST_F(IodefRateLimitStoreTest, StoredTargetsWithoutAReportInTheLastHourAreRemoved) {
  const absl::Time t0 = absl::FromUnixSeconds(1'800'000'000);
  IodefRateLimit limit(1, &store_->iodef_reports());
  ASSERT_TRUE(limit.Count("https://old.test/", t0).ok());
  ASSERT_TRUE(limit.Count("https://new.test/", t0 + absl::Minutes(90)).ok());
  absl::StatusOr<std::optional<store::IodefReportsRecord>> old =
      store_->iodef_reports().Get("https://old.test/");
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_FALSE(old->has_value());
  absl::StatusOr<std::optional<store::IodefReportsRecord>> kept =
      store_->iodef_reports().Get("https://new.test/");
  ASSERT_TRUE(kept.ok()) << kept.status();
  ASSERT_TRUE(kept->has_value());
  EXPECT_EQ((*kept)->sent_ms_size(), 1);
}

TEST(IodefConfigTest, ParsesAndNamesBadKeys) {
  absl::StatusOr<NotifyConfig> c = ParseNotifyConfig(
      R"({"iodef": {"enabled": true, "from": "m@x.test", "rate_per_target_per_hour": 3}})", {});
  ASSERT_TRUE(c.ok()) << c.status();
  EXPECT_TRUE(c->iodef.enabled);
  EXPECT_EQ(c->iodef.from, "m@x.test");
  EXPECT_EQ(c->iodef.rate_per_target_per_hour, 3);
  EXPECT_FALSE(ParseNotifyConfig("{}", {})->iodef.enabled);  // Opt-in.
  for (const char* bad :
       {R"({"iodef": {"enabled": "yes"}})", R"({"iodef": {"rate_per_target_per_hour": 0}})",
        R"({"iodef": {"colour": 1}})", R"({"iodef": true})"}) {
    absl::StatusOr<NotifyConfig> r = ParseNotifyConfig(bad, {});
    EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(r.status().message().find("iodef"), absl::string_view::npos) << r.status();
  }
}

}  // namespace
}  // namespace caawatch::notify
