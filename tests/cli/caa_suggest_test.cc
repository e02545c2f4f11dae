// `caawatch caa suggest` through the built program, over certificates and CAA observations
// stored in a real RocksDB store as `caawatch run` stores them (issue 20, SPEC §8): two CAs
// issued for the subtree, one of them only wildcards.
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_fixture.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;

class CaaSuggestTest : public StoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreFixture::SetUp());
    // Recorded oldest first, as the store keeps time in seq order.
    Plant('d', "DigiCert Inc", {"digicert.com"}, {"old.example.com"}, 200);
    Plant('g', "Google Trust Services", {"pki.goog", "google.com"}, {"*.example.com"}, 10);
    Plant('l', "Internet Security Research Group (Let's Encrypt)", {"letsencrypt.org"},
          {"www.example.com", "example.com"}, 5);
    // Another domain's certificate: not below example.com.
    Plant('s', "Sectigo Limited", {"sectigo.com"}, {"www.example.net"}, 1);
    Observe("www.example.com", {});
    Observe("old.example.com", {});
    Observe("example.com", {{"issue", "letsencrypt.org"}});
  }

  void Plant(char hash, const std::string& ca, const std::vector<std::string>& identifiers,
             const std::vector<std::string>& names, int days_ago) {
    const absl::Time issued = now_ - absl::Hours(24 * days_ago);
    store::FindingRecord f;
    f.set_kind("certificate");
    f.set_verdict("permitted");
    f.set_severity("info");
    for (const std::string& n : names) {
      f.add_names(n);
      f.add_watched_names(n);
    }
    f.mutable_issuer()->set_ca_owner(ca);
    for (const std::string& i : identifiers) f.mutable_issuer()->add_caa_identifiers(i);
    f.set_tbs_sha256(std::string(32, hash));
    f.set_not_before_ms(absl::ToUnixMillis(issued - absl::Hours(1)));
    f.set_recorded_ms(absl::ToUnixMillis(issued + absl::Minutes(1)));
    store::EntryRef* e = f.add_entries();
    e->set_log_id("log-a");
    e->set_timestamp_ms(absl::ToUnixMillis(issued));
    Commit({f});
  }

  // (tag, value) of flag 0 records; none: an empty answer.
  void Observe(const std::string& name,
               const std::vector<std::pair<std::string, std::string>>& records) {
    store::CaaObservationRecord o;
    o.set_query_name(name);
    o.set_first_seen_ms(absl::ToUnixMillis(now_ - absl::Hours(24 * 300)));
    o.set_last_seen_ms(absl::ToUnixMillis(now_ - absl::Minutes(30)));
    o.set_outcome("noerror");
    o.set_dnssec("insecure");
    o.set_ttl(3600);
    o.set_basis("observed");
    for (const auto& [tag, value] : records) {
      store::CaaRecordPb* pb = o.add_records();
      pb->set_tag(tag);
      pb->set_value(value);
    }
    ASSERT_TRUE(store_->caa_history().Record(o, absl::Hours(2)).ok());
  }

  CommandResult Suggest(std::vector<std::string> args) {
    args.insert(args.begin(), {"caa", "suggest"});
    args.insert(args.end(), {"--data-dir", dir_.string()});
    return testing::RunCaawatch(dir_.string(), args);
  }

  static std::vector<std::string> Records(const nlohmann::json& records) {
    std::vector<std::string> out;
    for (const nlohmann::json& r : records) {
      out.push_back(std::string(r["tag"]) + " " + std::string(r["value"]));
    }
    return out;
  }

  const absl::Time now_ = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
};

TEST_F(CaaSuggestTest, ProposesExactlyTheCasThatIssuedWithIssuewildForTheWildcardOnlyCa) {
  const CommandResult r = Suggest({"example.com", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["name"], "example.com");
  EXPECT_EQ(j["certificates"], 2);
  EXPECT_THAT(Records(j["suggested"]),
              ::testing::ElementsAre("issue letsencrypt.org", "issuewild pki.goog"));
  ASSERT_EQ(j["cas"].size(), 2u);
  EXPECT_EQ(j["cas"][1]["identifier"], "pki.goog");
  EXPECT_EQ(j["cas"][1]["wildcard"], true);
  EXPECT_EQ(j["cas"][1]["plain"], false);
  // The records in force permit only Let's Encrypt: Google's wildcard renewals will fail.
  EXPECT_EQ(j["in_force"]["relevant_name"], "example.com");
  EXPECT_THAT(Records(j["in_force"]["records"]), ::testing::ElementsAre("issue letsencrypt.org"));
  ASSERT_EQ(j["warnings"].size(), 1u) << r.out;
  EXPECT_EQ(j["warnings"][0]["identifier"], "pki.goog");
  EXPECT_EQ(j["warnings"][0]["name"], "*.example.com");
}

TEST_F(CaaSuggestTest, DaysWidensTheLookBackAndTheTextShowsRecordsToPublish) {
  const CommandResult wide = Suggest({".example.com", "--days", "365", "--json"});
  ASSERT_EQ(wide.exit_code, 0) << wide.err;
  EXPECT_THAT(
      Records(nlohmann::json::parse(wide.out)["suggested"]),
      ::testing::ElementsAre("issue digicert.com", "issue letsencrypt.org", "issuewild pki.goog"));
  const CommandResult text = Suggest({"example.com"});
  ASSERT_EQ(text.exit_code, 0) << text.err;
  EXPECT_THAT(text.out, HasSubstr("example.com. CAA 0 issue \"letsencrypt.org\"\n"));
  EXPECT_THAT(text.out, HasSubstr("example.com. CAA 0 issuewild \"pki.goog\"\n"));
  EXPECT_THAT(text.out, HasSubstr("warning: pki.goog issued for *.example.com"));
  EXPECT_THAT(text.out, HasSubstr("its renewals will fail"));
  EXPECT_THAT(text.out, Not(HasSubstr("digicert")));
  EXPECT_THAT(text.out, Not(HasSubstr("sectigo")));
}

TEST_F(CaaSuggestTest, ABadNameOrDaysIsAUsageError) {
  EXPECT_EQ(Suggest({"exa mple.com"}).exit_code, 2);
  EXPECT_EQ(Suggest({"*.example.com"}).exit_code, 2);
  EXPECT_EQ(Suggest({"example.com", "--days", "0"}).exit_code, 2);
}

TEST_F(CaaSuggestTest, ANameNeverObservedIsLookedUpNowSoItsWarningIsNotMissed) {
  // fresh.test was never looked up by caawatch; its CAA (served by Knot) lets only Google issue.
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> knot = fakes::KnotServer::Start(
      {{.origin = "fresh.test", .records = "@ CAA 0 issue \"pki.goog\"\n"}});
  ASSERT_TRUE(knot.ok()) << knot.status();
  Plant('f', "Internet Security Research Group (Let's Encrypt)", {"letsencrypt.org"},
        {"www.fresh.test"}, 3);
  const std::string config = (dir_ / "config.json").string();
  {
    std::ofstream out(config);
    out << R"({"dnssec": false, "dns_servers": [")" << (*knot)->address() << R"("]})";
  }
  const CommandResult r = Suggest({"fresh.test", "--json", "--config", config});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json j = nlohmann::json::parse(r.out);
  EXPECT_THAT(j["looked_up_now"].get<std::vector<std::string>>(),
              ::testing::ElementsAre("fresh.test", "www.fresh.test"))
      << r.out;
  EXPECT_EQ(j["in_force"]["relevant_name"], "fresh.test") << r.out;
  ASSERT_EQ(j["warnings"].size(), 1u) << r.out;
  EXPECT_EQ(j["warnings"][0]["identifier"], "letsencrypt.org");
  const CommandResult text = Suggest({"fresh.test", "--config", config});
  EXPECT_THAT(text.out, HasSubstr("never observed, looked up now: "));
}

}  // namespace
}  // namespace caawatch
