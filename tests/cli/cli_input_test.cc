// Input checks as a user meets them through the built `caawatch`: a mistake in a watch entry, a
// file or a value is said plainly (what, which file, why), a likely slip is warned about, and
// no library's internals show.
#include <signal.h>

#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using ::testing::Not;

class CliInputTest : public testing::CliFixture {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << text;
    return path;
  }
  CommandResult WatchAdd(std::vector<std::string> args) {
    args.insert(args.begin(), {"watch", "add"});
    args.insert(args.end(), {"--data-dir", data_dir_});
    return Caawatch(args);
  }
};

TEST_F(CliInputTest, AWatchNameWithASpaceIsSaidToBeNoName) {
  const CommandResult result = WatchAdd({"bad name"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("\"bad name\" is not a DNS name"));
  EXPECT_THAT(result.err, Not(HasSubstr("field")));
}

TEST_F(CliInputTest, WatchingEverythingIsSaidOutLoud) {
  const CommandResult result = WatchAdd({"."});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err, HasSubstr("warning: \".\" watches every name"));
  // A plain name is added without a word.
  const CommandResult plain = WatchAdd({".example.com", "--issuer", "letsencrypt.org"});
  EXPECT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.err, "");
}

TEST_F(CliInputTest, AnIssuerNoKnownCaRecognisesIsWarnedAboutWithTheLikelyOne) {
  const CommandResult result = WatchAdd({"example.com", "--issuer", "letsencrypt"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.err,
              HasSubstr("warning: issuer \"letsencrypt\" is not the CAA identifier of any known "
                        "CA"));
  EXPECT_THAT(result.err, HasSubstr("did you mean letsencrypt.org?"));
  const CommandResult odd = WatchAdd({"example.org", "--issuer", "ca.invalid"});
  EXPECT_THAT(odd.err, HasSubstr("`caawatch issuers list` shows the known ones"));
}

TEST_F(CliInputTest, ABadLogListIsNamedWithoutRepeatingItself) {
  const std::string list = Write("list.json", "{");
  const CommandResult result = Caawatch({"run", "--once", "--data-dir", data_dir_, "--log-list",
                                         list, "--dns-server", "127.0.0.1:9"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_THAT(result.err, HasSubstr(list + "\": log list: not a JSON object"));
  EXPECT_THAT(result.err, Not(HasSubstr("log list: log list")));
  const CommandResult missing =
      Caawatch({"run", "--once", "--data-dir", data_dir_, "--log-list", dir_ + "/none.json"});
  EXPECT_THAT(missing.err, HasSubstr("none.json\": cannot open: No such file or directory"));
}

TEST_F(CliInputTest, AnUnreadableFileIsNamedByItsFlagWithWhy) {
  const CommandResult ca = Caawatch({"subscribe", "--tls-ca", "missing.pem"});
  EXPECT_EQ(ca.exit_code, 2);
  EXPECT_THAT(ca.err,
              HasSubstr("--tls-ca \"missing.pem\": cannot open: No such file or directory"));
  const CommandResult anchor = Caawatch(
      {"caa", "check", "a.test", "--issuer", "letsencrypt.org", "--trust-anchor", "none.key"});
  EXPECT_EQ(anchor.exit_code, 2);
  EXPECT_THAT(anchor.err, HasSubstr("trust anchor file \"none.key\": cannot open: No such file "
                                    "or directory"));
}

TEST_F(CliInputTest, ADamagedIssuerMapShowsNoLibraryInternals) {
  ASSERT_EQ(Caawatch({"watch", "add", "x.test", "--data-dir", data_dir_}).exit_code, 0);
  Write("data/issuers.json", "[{\"ca_owner\": ");
  const CommandResult result = Caawatch({"issuers", "list", "--data-dir", data_dir_});
  EXPECT_NE(result.exit_code, 0);
  EXPECT_THAT(result.err, HasSubstr("not JSON"));
  EXPECT_THAT(result.err, Not(HasSubstr("json.exception")));
}

// CCADB's CA information report (real rows, tests/caa/data) gives each CA's problem-reporting
// contacts: `issuers list` shows where to report a certificate, in the table and in JSON.
TEST_F(CliInputTest, ImportedProblemReportingContactsAreListedWithTheirCa) {
  const CommandResult imported = Caawatch(
      {"issuers", "import", CAAWATCH_SOURCE_DIR "/tests/caa/data/ca-information-report-2018.csv",
       "--data-dir", data_dir_});
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  const CommandResult table = Caawatch({"issuers", "list", "--data-dir", data_dir_});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_THAT(table.out, HasSubstr("PROBLEM REPORTS TO"));
  EXPECT_THAT(table.out, HasSubstr("security@letsencrypt.org (+3 more)"));
  const CommandResult json = Caawatch({"issuers", "list", "--json", "--data-dir", data_dir_});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  EXPECT_THAT(json.out, HasSubstr("\"problem_reporting\":[\"cert-problem@actalis.it\","));
}

TEST_F(CliInputTest, ARepeatedWatchEntryIsWarnedAbout) {
  const std::string names = Write("names.txt", "a.test\n.b.test\nb.test\n# c\nA.TEST.\n");
  const std::string list = Write("list.json", R"({"operators": []})");
  const CommandResult result =
      Caawatch({"run", "--once", "--data-dir", data_dir_, "--log-list", list, "--watchlist", names,
                "--watch", ".b.test", "--dns-server", "127.0.0.1:9", "--dnssec", "off"},
               {});
  EXPECT_THAT(result.err,
              HasSubstr("2 watch entries repeat the name of an earlier one (the first: "));
}

TEST_F(CliInputTest, RunWarnsOfAnIssuerNoKnownCaUses) {
  const std::string list = Write("list.json", R"({"operators": []})");
  const CommandResult result = Caawatch({"run", "--once", "--data-dir", data_dir_, "--log-list",
                                         list, "--watch", "a.test issuers=letsencrypt,pki.goog",
                                         "--dns-server", "127.0.0.1:9", "--dnssec", "off"});
  EXPECT_THAT(result.err, HasSubstr("issuer \"letsencrypt\" is not the CAA identifier of any "
                                    "known CA"));
  EXPECT_THAT(result.err, HasSubstr("did you mean letsencrypt.org?"));
  EXPECT_THAT(result.err, Not(HasSubstr("\"pki.goog\" is not")));
}

// `inspect` prints times as every other command does: three fractional digits.
TEST_F(CliInputTest, InspectPrintsTimesWithMilliseconds) {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  ASSERT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR is not set";
  const CommandResult result =
      Caawatch({"inspect", "--json",
                std::string(shared) + "/corpus/x509/letsencrypt/isrg-root-ocsp-x1.pem"});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out,
              ::testing::MatchesRegex(".*\"not_before\":\"[0-9-]+T[0-9:]+\\.[0-9]{3}Z\".*\n"));
}

// With nothing listening, subscribe says that it is connecting and that it retries, on stderr
// (stdout is the alerts' alone), instead of sitting silent.
TEST_F(CliInputTest, SubscribeSaysWhenItConnectsAndRetries) {
  const std::string address = absl::StrCat("127.0.0.1:", testing::FreeTcpPort());
  testing::Subprocess subscribe(
      {CAAWATCH_BINARY_DIR "/cli/caawatch", "subscribe", "--server", address, "--after", "7"},
      dir_);
  const absl::Time deadline = absl::Now() + absl::Seconds(20);
  while (!absl::StrContains(subscribe.Stderr(), "reconnecting") && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  subscribe.Signal(SIGTERM);
  EXPECT_EQ(subscribe.Wait(absl::Seconds(10)), 0);
  const std::string err = subscribe.Stderr();
  EXPECT_THAT(err, HasSubstr("caawatch: subscribe: connecting to " + address + ", after seq 7\n"));
  EXPECT_THAT(err, HasSubstr("caawatch: subscribe: no stream from " + address));
  EXPECT_THAT(err, HasSubstr("retrying in 250ms"));
  EXPECT_THAT(err, HasSubstr("caawatch: subscribe: reconnecting to " + address));
  EXPECT_EQ(subscribe.Stdout(), "");
}

}  // namespace
}  // namespace caawatch
