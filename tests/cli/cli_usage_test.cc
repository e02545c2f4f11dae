// The command line as a user meets it, through the built `caawatch`: a mistake is refused with
// exit status 2 and a hint before anything starts, help is there on every subcommand and starts
// nothing, and --version answers.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/cli/cli_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

using testing::Exists;

class CliUsageTest : public testing::CliFixture {
 protected:
  // Exit 2, one line on stderr that says `what` and where the help is, nothing on stdout.
  void ExpectUsageError(const std::vector<std::string>& args, const std::string& what,
                        const std::string& help_of) {
    const std::string command = absl::StrJoin(args, " ");
    const testing::CommandResult result = Caawatch(args);
    EXPECT_EQ(result.exit_code, 2) << command << ": " << result.err;
    EXPECT_THAT(result.err, StartsWith("caawatch: ")) << command;
    EXPECT_THAT(result.err, HasSubstr(what)) << command;
    EXPECT_THAT(result.err, HasSubstr(absl::StrCat("(see ", help_of, " --help)"))) << command;
    EXPECT_EQ(std::count(result.err.begin(), result.err.end(), '\n'), 1) << command << result.err;
    EXPECT_EQ(result.out, "") << command;
    EXPECT_FALSE(Exists(data_dir_)) << command << ": started anyway";
  }
};

TEST_F(CliUsageTest, AnUnknownFlagIsRefused) {
  ExpectUsageError({"run", "--data-dir", data_dir_, "--bogus"}, "--bogus", "caawatch run");
  ExpectUsageError({"watch", "add", "x.test", "--data-dir", data_dir_, "--no-such"}, "--no-such",
                   "caawatch watch add");
  // A flag of another subcommand is unknown here.
  ExpectUsageError({"status", "--data-dir", data_dir_, "--once"}, "--once", "caawatch status");
}

TEST_F(CliUsageTest, AMissingValueIsRefused) {
  ExpectUsageError({"run", "--data-dir"}, "--data-dir", "caawatch run");
  ExpectUsageError({"findings", "--data-dir", data_dir_, "--limit"}, "--limit",
                   "caawatch findings");
}

TEST_F(CliUsageTest, AFlagIsNotTakenAsTheValueOfTheFlagBeforeIt) {
  // Not a data directory named "--data-dir" and a stray X.
  ExpectUsageError({"status", "--data-dir", "--data-dir", data_dir_}, "", "caawatch status");
  ExpectUsageError({"run", "--once", "--data-dir", "--data-dir", data_dir_}, "", "caawatch run");
  EXPECT_FALSE(Exists(dir_ + "/--data-dir"));
}

TEST_F(CliUsageTest, AValueGivenTwiceIsRefused) {
  ExpectUsageError({"status", "--data-dir", data_dir_, "--data-dir", data_dir_}, "--data-dir",
                   "caawatch status");
}

TEST_F(CliUsageTest, AStrayPositionalIsRefused) {
  ExpectUsageError({"status", "--data-dir", data_dir_, "extra"}, "extra", "caawatch status");
  ExpectUsageError({"run", "--once", "--data-dir", data_dir_, "example.com"}, "example.com",
                   "caawatch run");
  ExpectUsageError({"history", "a.test", "b.test", "--data-dir", data_dir_}, "b.test",
                   "caawatch history");
  ExpectUsageError({"watch", "list", "x.test", "--data-dir", data_dir_}, "x.test",
                   "caawatch watch list");
}

TEST_F(CliUsageTest, AMissingArgumentOrSubcommandIsRefused) {
  ExpectUsageError({"history", "--data-dir", data_dir_}, "NAME", "caawatch history");
  ExpectUsageError({"caa", "check", "x.test", "--data-dir", data_dir_}, "--issuer",
                   "caawatch caa check");
  ExpectUsageError({"watch", "--data-dir", data_dir_}, "", "caawatch watch");
  ExpectUsageError({"issuers"}, "", "caawatch issuers");
}

TEST_F(CliUsageTest, ABadValueIsRefusedNamingTheFlag) {
  ExpectUsageError({"findings", "--data-dir", data_dir_, "--limit", "-1"}, "--limit",
                   "caawatch findings");
  ExpectUsageError({"findings", "--data-dir", data_dir_, "--since", "yesterday"}, "--since",
                   "caawatch findings");
  ExpectUsageError({"run", "--once", "--data-dir", data_dir_, "--dnssec", "maybe"}, "--dnssec",
                   "caawatch run");
  ExpectUsageError({"run", "--once", "--data-dir", data_dir_, "--grpc-max-subscribers", "0"},
                   "--grpc-max-subscribers", "caawatch run");
}

TEST_F(CliUsageTest, AnArgumentIsQuotedEscapedAndCutShort) {
  const std::string hostile = "\x1b[2J" + std::string(10000, 'a');
  const testing::CommandResult result = Caawatch({"status", "--data-dir", data_dir_, hostile});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.err, HasSubstr("\\x1b[2J"));
  EXPECT_EQ(result.err.find('\x1b'), std::string::npos);
  EXPECT_LT(result.err.size(), 500u);
}

TEST_F(CliUsageTest, AnUnknownCommandIsRefused) {
  const testing::CommandResult result = Caawatch({"tail", "--data-dir", data_dir_});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "caawatch: unknown command 'tail' (see caawatch --help)\n");
  const testing::CommandResult none = Caawatch({});
  EXPECT_EQ(none.exit_code, 2);
  EXPECT_THAT(none.err, HasSubstr("Usage: caawatch"));
}

// Before any command a flag is the program's own: one it does not know is named as such, not
// reported as a missing command.
TEST_F(CliUsageTest, AnUnknownFlagBeforeTheCommandIsNamed) {
  const testing::CommandResult result = Caawatch({"--bogus"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_EQ(result.err, "caawatch: unknown flag '--bogus' (see caawatch --help)\n");
  const testing::CommandResult with_value = Caawatch({"--data-dir=/x", "status"});
  EXPECT_EQ(with_value.exit_code, 2);
  EXPECT_EQ(with_value.err, "caawatch: unknown flag '--data-dir' (see caawatch --help)\n");
  const testing::CommandResult single_dash = Caawatch({"-watchlist", "w.txt", "run"});
  EXPECT_EQ(single_dash.exit_code, 2);
  EXPECT_THAT(single_dash.err, HasSubstr("long flags take two dashes (--watchlist)"));
  const testing::CommandResult hostile = Caawatch({"--\x1b[2J" + std::string(1000, 'a')});
  EXPECT_EQ(hostile.exit_code, 2);
  EXPECT_THAT(hostile.err, HasSubstr("unknown flag '--\\x1b[2J"));
  EXPECT_LT(hostile.err.size(), 300u);
  // The program's own flags still work there.
  EXPECT_EQ(Caawatch({"--version"}).exit_code, 0);
  EXPECT_EQ(Caawatch({"-h"}).exit_code, 0);
}

TEST_F(CliUsageTest, HelpOnEverySubcommandPrintsItsUsageAndStartsNothing) {
  const std::vector<std::vector<std::string>> commands = {
      {},
      {"run"},
      {"findings"},
      {"history"},
      {"cert"},
      {"inspect"},
      {"caa"},
      {"caa", "check"},
      {"caa", "history"},
      {"watch"},
      {"watch", "add"},
      {"watch", "remove"},
      {"watch", "list"},
      {"status"},
      {"subscribe"},
      {"issuers"},
      {"issuers", "import"},
      {"issuers", "list"},
  };
  for (const std::vector<std::string>& command : commands) {
    for (const std::string help : {"-h", "--help"}) {
      // Even with everything a start would need (for `run`: it would tail the embedded logs).
      std::vector<std::string> args = command;
      args.push_back(help);
      if (!command.empty()) {
        args.insert(args.end(), {"--data-dir", data_dir_});
      }
      const std::string what = absl::StrJoin(args, " ");
      const testing::CommandResult result = Caawatch(args);
      EXPECT_EQ(result.exit_code, 0) << what << ": " << result.err;
      EXPECT_THAT(result.out, HasSubstr(absl::StrCat(
                                  "Usage: ", absl::StrJoin(command, " ").empty()
                                                 ? "caawatch"
                                                 : "caawatch " + absl::StrJoin(command, " "))))
          << what;
      EXPECT_EQ(result.err, "") << what;
      EXPECT_FALSE(Exists(data_dir_)) << what << ": started anyway";
    }
  }
  // The text is generated from the declarations: every flag is there with its help.
  const testing::CommandResult run = Caawatch({"run", "--help"});
  for (const char* flag : {"--config", "--data-dir", "--dns-server", "--dnssec", "--trust-anchor",
                           "--once", "--log-list", "--watch", "--watchlist", "--grpc-listen",
                           "--grpc-max-subscribers", "--start-at"}) {
    EXPECT_THAT(run.out, HasSubstr(flag));
  }
  EXPECT_THAT(run.out, HasSubstr("SIGTERM or SIGINT stops it after committing"));
}

TEST_F(CliUsageTest, VersionPrintsTheVersion) {
  const testing::CommandResult result = Caawatch({"--version"});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_THAT(result.out, StartsWith("caawatch "));
  EXPECT_EQ(result.err, "");
}

TEST_F(CliUsageTest, VersionWorksOnEverySubcommandAndStartsNothing) {
  const std::string version = Caawatch({"--version"}).out;
  for (const std::vector<std::string>& command : std::vector<std::vector<std::string>>{
           {"run"}, {"findings"}, {"caa", "history"}, {"watch", "add"}, {"subscribe"}}) {
    std::vector<std::string> args = command;
    args.insert(args.end(), {"--version", "--data-dir", data_dir_});
    const testing::CommandResult result = Caawatch(args);
    EXPECT_EQ(result.exit_code, 0) << absl::StrJoin(args, " ") << ": " << result.err;
    EXPECT_EQ(result.out, version) << absl::StrJoin(args, " ");
    EXPECT_FALSE(Exists(data_dir_)) << absl::StrJoin(args, " ") << ": started anyway";
  }
}

TEST_F(CliUsageTest, ASingleDashLongFlagIsRefusedWithTheTwoDashSpelling) {
  // certspotter's habit.
  ExpectUsageError({"run", "--once", "--data-dir", data_dir_, "-watchlist", "names.txt"},
                   "long flags take two dashes (--watchlist)", "caawatch run");
}

TEST_F(CliUsageTest, AFlagGivenAsAValueIsRefused) {
  // Not a watched name "--json" or "--once".
  ExpectUsageError({"run", "--data-dir", data_dir_, "--watch", "--json"}, "--watch",
                   "caawatch run");
  ExpectUsageError({"run", "--data-dir", data_dir_, "--watch", "--once"}, "--watch",
                   "caawatch run");
  ExpectUsageError({"findings", "--data-dir", data_dir_, "--log", "--json"}, "--log",
                   "caawatch findings");
}

TEST_F(CliUsageTest, EveryOfferedFlagDoesSomethingSoRunAndSubscribeOfferOnlyTheirs) {
  // run prints no table (its --verbose logs at debug level, --log-format json makes its log
  // JSON); subscribe prints JSON lines always, and reads of the store only the address of the
  // monitor holding it (--data-dir).
  ExpectUsageError({"run", "--once", "--data-dir", data_dir_, "--json"}, "--json", "caawatch run");
  ExpectUsageError({"subscribe", "--json"}, "--json", "caawatch subscribe");
  const std::string help = Caawatch({"subscribe", "--help"}).out;
  EXPECT_THAT(help, Not(HasSubstr("--json")));
  EXPECT_THAT(help, HasSubstr("--data-dir"));
  EXPECT_THAT(help, HasSubstr("--config"));
  // caa history: its own flags, none of check's.
  const std::string caa_history = Caawatch({"caa", "history", "--help"}).out;
  EXPECT_THAT(caa_history, Not(HasSubstr("--issuer")));
  EXPECT_THAT(caa_history, Not(HasSubstr("--dns-server")));
  EXPECT_THAT(caa_history, HasSubstr("--json"));
}

TEST_F(CliUsageTest, AnUnknownVerdictOrSeverityListsTheValidOnes) {
  ExpectUsageError({"findings", "--data-dir", data_dir_, "--verdict", "bogus"},
                   "unknown verdict \"bogus\" (one of forbidden, likely_forbidden,",
                   "caawatch findings");
  ExpectUsageError({"history", "a.test", "--data-dir", data_dir_, "--verdict", "forbidden,nope"},
                   "unknown verdict \"nope\"", "caawatch history");
  ExpectUsageError({"subscribe", "--verdict", "bogus"}, "malformed_cert, caa_breaks_renewal)",
                   "caawatch subscribe");
  ExpectUsageError({"findings", "--data-dir", data_dir_, "--severity", "high"},
                   "unknown severity \"high\" (one of info, warning, critical)",
                   "caawatch findings");
}

TEST_F(CliUsageTest, SinceTakesADurationAgoButNotNonsense) {
  for (const char* bad : {"1x", "-1h", "0d", "h", "1.5d"}) {
    ExpectUsageError({"findings", "--data-dir", data_dir_, "--since", bad}, "--since",
                     "caawatch findings");
  }
}

}  // namespace
}  // namespace caawatch
