// Queries and their output through the built `caawatch`, over findings stored in a real
// RocksDB store (as `caawatch run` would have stored them): which findings a query selects, and
// how a table and JSON lines show them.
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_fixture.h"
#include "tests/fakes/store_fixture.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kRetroReason[] =
    "a.example.com: no CAA observation covers the issuance window; evaluated against the state "
    "observed 3d 0h after issuance: the relevant CAA set at example.com (issue \"pki.goog\") "
    "does not authorise letsencrypt.org";

class CliQueryTest : public StoreFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(StoreFixture::SetUp());
    // Whole seconds: an RFC 3339 time with its fraction left out when zero would show.
    const absl::Time now = absl::FromUnixSeconds(absl::ToUnixSeconds(absl::Now()));
    // Recorded oldest first: the store keeps time in seq order.
    Plant(Finding("no_data", "warning", "a.example.com", 'b', now - absl::Hours(72), kRetroReason),
          std::string(32, 'B'), "https://log-two.test/", "Log Two");
    Plant(Finding("forbidden", "critical", "www.forbidden.test", 'a', now - absl::Hours(2),
                  "www.forbidden.test: issue pki.goog excludes letsencrypt.org"),
          std::string(32, 'A'), "https://log-one.test/", "Log One");
    Plant(Finding("permitted", "info", "www.sub.example.com", 'c', now - absl::Minutes(10),
                  "www.sub.example.com: permitted"),
          std::string(32, 'A'), "https://log-one.test/", "Log One");
  }

  store::FindingRecord Finding(const std::string& verdict, const std::string& severity,
                               const std::string& name, char hash, absl::Time recorded,
                               const std::string& reason) {
    store::FindingRecord f;
    f.set_kind("certificate");
    f.set_verdict(verdict);
    f.set_severity(severity);
    f.add_names(name);
    f.add_watched_names(name);
    f.mutable_issuer()->set_ca_owner("Let's Encrypt");
    f.set_tbs_sha256(std::string(32, hash));
    f.set_recorded_ms(absl::ToUnixMillis(recorded));
    f.set_reason(reason);
    store::CaaNameRecord* caa = f.add_caa();
    caa->set_name(name);
    caa->set_verdict(verdict);
    if (verdict == "no_data") caa->set_retrospective_verdict("forbidden");
    return f;
  }

  void Plant(store::FindingRecord f, const std::string& log_id, const std::string& url,
             const std::string& description) {
    store::EntryRef* e = f.add_entries();
    e->set_log_id(log_id);
    e->set_log_url(url);
    store::CommitRequest r;
    r.findings = {std::move(f)};
    store::LogStateRecord state;
    state.set_log_id(log_id);
    state.set_url(url);
    state.set_description(description);
    r.log_state = state;
    ASSERT_TRUE(store_->findings().Commit(std::move(r)).ok());
  }

  CommandResult Cli(std::vector<std::string> args, const std::vector<std::string>& env = {}) {
    args.insert(args.end(), {"--data-dir", dir_.string()});
    return testing::RunCaawatch(dir_.string(), args, env);
  }

  // The watched names of the findings `caawatch ARGS --json` lists, in its order.
  std::vector<std::string> Names(std::vector<std::string> args) {
    args.push_back("--json");
    const CommandResult result = Cli(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    std::vector<std::string> names;
    for (absl::string_view line : absl::StrSplit(result.out, '\n', absl::SkipEmpty())) {
      names.push_back(nlohmann::json::parse(line)["watched_names"][0]);
    }
    return names;
  }
};

TEST_F(CliQueryTest, HistoryOfADottedNameIsItsSubtree) {
  EXPECT_THAT(Names({"history", ".example.com"}),
              ElementsAre("www.sub.example.com", "a.example.com"));
  EXPECT_THAT(Names({"history", "example.com"}), ElementsAre());
  EXPECT_THAT(Names({"history", "example.com", "--subtree"}),
              ElementsAre("www.sub.example.com", "a.example.com"));
}

TEST_F(CliQueryTest, HistoryReadsNameAsADomainName) {
  // Any case, a trailing dot, and UTS #46 forms (full-width letters) name the same name.
  EXPECT_THAT(Names({"history", "WWW.Sub.Example.COM."}), ElementsAre("www.sub.example.com"));
  EXPECT_THAT(Names({"history", ".\xef\xbd\x85xample.com"}),  // U+FF45, full-width 'e'.
              ElementsAre("www.sub.example.com", "a.example.com"));
  // What is no name is said so, not answered with an empty list.
  for (const char* bad : {"a..example.com", "bad name.example", "..example.com", ""}) {
    const CommandResult result = Cli({"history", bad});
    EXPECT_EQ(result.exit_code, 2) << bad;
    EXPECT_THAT(result.err, HasSubstr(absl::StrCat("name \"", absl::StripPrefix(bad, "."), "\" ")))
        << result.err;
    EXPECT_EQ(result.out, "") << bad;
  }
  const CommandResult root = Cli({"history", "."});
  EXPECT_EQ(root.exit_code, 2);
  EXPECT_THAT(root.err, HasSubstr("`caawatch findings` lists every finding"));
}

TEST_F(CliQueryTest, LogIsTheUrlTheDescriptionOrTheId) {
  EXPECT_THAT(Names({"findings", "--log", "https://log-two.test"}), ElementsAre("a.example.com"));
  EXPECT_THAT(Names({"findings", "--log", "log one"}),
              ElementsAre("www.forbidden.test", "www.sub.example.com"));
  EXPECT_THAT(Names({"findings", "--log", "QkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkI="}),
              ElementsAre("a.example.com"));
  const CommandResult unknown = Cli({"findings", "--log", "Log Three"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("no log with the ID, URL or description \"Log Three\" "
                                     "(known: \"Log One\", \"Log Two\")"));
}

TEST_F(CliQueryTest, SinceTakesADurationAgoAndSeverityFilters) {
  EXPECT_THAT(Names({"findings", "--since", "1h"}), ElementsAre("www.sub.example.com"));
  EXPECT_THAT(Names({"findings", "--since", "3h"}),
              ElementsAre("www.forbidden.test", "www.sub.example.com"));
  EXPECT_THAT(Names({"findings", "--until", "1h"}),
              ElementsAre("a.example.com", "www.forbidden.test"));
  EXPECT_THAT(Names({"findings", "--severity", "critical"}), ElementsAre("www.forbidden.test"));
  EXPECT_THAT(Names({"findings", "--severity", "warning,info"}),
              ElementsAre("a.example.com", "www.sub.example.com"));
}

TEST_F(CliQueryTest, JsonHasMillisecondTimesAndTheRetrospectiveVerdict) {
  const CommandResult result = Cli({"findings", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const std::vector<std::string> lines = absl::StrSplit(result.out, '\n', absl::SkipEmpty());
  ASSERT_EQ(lines.size(), 3u);
  for (const std::string& line : lines) {
    const nlohmann::json j = nlohmann::json::parse(line);
    const std::string recorded = j["recorded_at"];
    EXPECT_THAT(recorded, ::testing::MatchesRegex(
                              "[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\\.[0-9]{3}Z"));
    const nlohmann::json& retro = j["caa"][0]["retrospective_verdict"];
    if (j["verdict"] == "no_data") {
      EXPECT_EQ(retro, "forbidden");
    } else {
      EXPECT_TRUE(retro.is_null()) << line;
    }
  }
}

TEST_F(CliQueryTest, TheTableFitsTheTerminalKeepsWhatDecidedAndGivesAHashForCert) {
  const CommandResult table = Cli({"findings"}, {"COLUMNS=200"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  std::string no_data_row;
  for (absl::string_view line : absl::StrSplit(table.out, '\n', absl::SkipEmpty())) {
    EXPECT_LE(line.size(), 200u) << line;
    if (absl::StrContains(line, "a.example.com")) no_data_row = std::string(line);
  }
  // The severity's cause is in the verdict column; the reason keeps its start and its end.
  EXPECT_THAT(no_data_row, HasSubstr("no_data (forbidden)"));
  EXPECT_THAT(no_data_row, HasSubstr("a.example.com: no CAA"));
  EXPECT_THAT(no_data_row, HasSubstr("does not authorise letsencrypt.org"));
  EXPECT_THAT(no_data_row, HasSubstr("..."));
  // A pipe without COLUMNS: whole lines.
  const CommandResult piped = Cli({"findings"});
  EXPECT_THAT(piped.out, HasSubstr(kRetroReason));
  // The hash column is what `caawatch cert` takes.
  const std::string short_hash = "6262626262626262";  // The TBS hash planted: 32 times 'b'.
  EXPECT_THAT(no_data_row, HasSubstr(short_hash));
  const CommandResult cert = Cli({"cert", short_hash});
  EXPECT_EQ(cert.exit_code, 0) << cert.err;
  EXPECT_THAT(cert.out, HasSubstr("no_data"));
  EXPECT_EQ(Cli({"cert", "62626262"}).exit_code, 2);  // Too short to be unique.
  EXPECT_EQ(Cli({"cert", "6363636363636363"}).exit_code, 0);
}

TEST_F(CliQueryTest, StatusAndWatchListFitTheTerminalAndShowMilliseconds) {
  // A log that failed with a long error, and a watch entry with a long list of issuers.
  store::LogHealthRecord health;
  health.set_log_id(std::string(32, 'A'));
  health.set_url("https://log-one.test/");
  health.set_description("Log One");
  const int64_t now_ms = absl::ToUnixMillis(absl::Now());
  health.set_started_ms(now_ms - 60'000);
  health.set_last_success_ms(now_ms - 30'000);
  health.set_last_error("GET https://log-one.test/ct/v1/get-sth: " + std::string(150, 'x') +
                        " connection refused");
  health.set_last_error_ms(now_ms - 1'000);
  health.set_consecutive_failures(3);
  health.set_updated_ms(now_ms - 1'000);
  ASSERT_TRUE(store_->logs().PutHealth(health).ok());
  store::WatchRecord watch;
  watch.set_name("issuers.example.com");
  for (int i = 0; i < 20; ++i) watch.add_issuers(absl::StrCat("ca", i, ".example.net"));
  watch.set_added_ms(now_ms);
  ASSERT_TRUE(store_->watches().Put(watch).ok());
  store_.reset();  // What `caawatch run` leaves behind.

  const CommandResult status = Cli({"status"}, {"COLUMNS=120"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  std::string row;
  for (absl::string_view line : absl::StrSplit(status.out, '\n', absl::SkipEmpty())) {
    EXPECT_LE(line.size(), 120u) << line;
    if (absl::StrContains(line, "Log One")) row = std::string(line);
  }
  // The error keeps its start (what was asked) and its end (what failed).
  EXPECT_THAT(row, HasSubstr("GET https://"));
  EXPECT_THAT(row, HasSubstr("connection refused"));
  const CommandResult json = Cli({"status", "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  bool seen = false;
  for (absl::string_view line : absl::StrSplit(json.out, '\n', absl::SkipEmpty())) {
    const nlohmann::json j = nlohmann::json::parse(line);
    if (j["description"] != "Log One") continue;
    seen = true;
    for (const char* key : {"last_success_at", "last_error_at"}) {
      EXPECT_THAT(j[key].get<std::string>(),
                  ::testing::MatchesRegex("[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}"
                                          "\\.[0-9]{3}Z"))
          << key;
    }
  }
  EXPECT_TRUE(seen) << json.out;

  const CommandResult list = Cli({"watch", "list"}, {"COLUMNS=80"});
  ASSERT_EQ(list.exit_code, 0) << list.err;
  for (absl::string_view line : absl::StrSplit(list.out, '\n', absl::SkipEmpty())) {
    EXPECT_LE(line.size(), 80u) << line;
  }
  EXPECT_THAT(list.out, HasSubstr("issuers.example.com"));
  EXPECT_THAT(list.out, HasSubstr("ca0.exam"));
  EXPECT_THAT(list.out, HasSubstr("19.example.net"));
}

}  // namespace
}  // namespace caawatch
