// One request, one file or one config value must not break caawatch (issue 15): a watch entry
// that would not load again is refused wherever it comes from, one already stored is skipped
// and removable, a log listed twice is tailed once, every file read is bounded, and input is
// quoted escaped and cut short in every message. Each test drives the built program.
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "store/store.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JsonLines;
using ::testing::Not;
using testing::Subprocess;

using HostileInputTest = testing::EndToEndFixture;

// An error message that quotes a hostile input must stay short whatever the input's size.
constexpr size_t kMaxMessageBytes = 1024;

// The start of a message that may be huge (before the fix), for a failure to show.
std::string Head(const std::string& text) { return text.substr(0, 300); }

// A 64-octet label: one more than RFC 1035 allows.
const std::string kLongLabel(64, 'x');

// "name origin" for each line of `watch list --json`.
std::vector<std::string> Listed(const CommandResult& list) {
  std::vector<std::string> out;
  for (const nlohmann::json& e : JsonLines(list.out)) {
    out.push_back(absl::StrCat(e["name"].get<std::string>(), " ", e["origin"].get<std::string>()));
  }
  return out;
}

// Whether `caawatch caa history NAME --json` shows a lookup of NAME itself: the running monitor
// had NAME in its list in force (the history also shows the name's parents, which the static
// entries' search paths share).
bool LookedUp(const CommandResult& history, const std::string& name) {
  if (history.exit_code != 0) return false;
  for (const nlohmann::json& o : JsonLines(history.out)) {
    if (o["query_name"] == name || o["query_name"] == name + ".") return true;
  }
  return false;
}

// AddWatch on the default, unauthenticated loopback listener: its answer.
grpc::Status AddWatch(v1::Monitor::Stub& stub, const std::string& name,
                      const std::vector<std::string>& issuers = {}) {
  v1::AddWatchRequest request;
  request.mutable_entry()->set_name(name);
  for (const std::string& i : issuers) request.mutable_entry()->add_issuers(i);
  v1::AddWatchResponse response;
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  return stub.AddWatch(&context, request, &response);
}

TEST_F(HostileInputTest, AddWatchRefusesWhatWouldNotLoadAndLaterChangesStillApply) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 100, .plants = {}});
  const int port = testing::FreeTcpPort();
  Subprocess monitor(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", port)}), dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(port, monitor);
  ASSERT_NE(stub, nullptr);

  for (const std::string& bad : {std::string("a..b.com"), kLongLabel + ".forbidden.test",
                                 std::string("evil\0.forbidden.test", 20),
                                 std::string(512 << 10, 'a'), std::string("bad name.test")}) {
    const grpc::Status added = AddWatch(*stub, bad);
    EXPECT_EQ(added.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
        << "accepted: " << bad.substr(0, 80);
    // Quoted escaped (a NUL shown, never cutting the message) and cut short.
    EXPECT_EQ(added.error_message().find('\0'), std::string::npos) << added.error_message();
    EXPECT_LT(added.error_message().size(), kMaxMessageBytes) << added.error_message().size();
  }
  EXPECT_THAT(AddWatch(*stub, std::string("evil\0.forbidden.test", 20)).error_message(),
              HasSubstr("evil\\x00.forbidden.test"));
  EXPECT_EQ(AddWatch(*stub, "ok.forbidden.test", {"a..b"}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(AddWatch(*stub, "ok.forbidden.test", {kLongLabel + ".org"}).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  // A good entry after the bad ones is stored and in force: its CAA is looked up at once.
  ASSERT_TRUE(AddWatch(*stub, "Late.Forbidden.Test.", {"LetsEncrypt.org"}).ok());
  bool observed = false;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       !observed && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(200))) {
    observed =
        LookedUp(Cli({"caa", "history", "late.forbidden.test", "--json"}), "late.forbidden.test");
  }
  EXPECT_TRUE(observed) << "an entry added after refused ones is not in force: "
                        << monitor.Stderr();
  const CommandResult listed =
      Cli({"watch", "list", "--json", "--grpc-listen", absl::StrCat("127.0.0.1:", port)});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(Listed(listed), ElementsAre(".forbidden.test static", ".allowed.test static",
                                          "late.forbidden.test stored"));
  ASSERT_TRUE(testing::StopsCleanly(monitor));

  // Nothing stored keeps `run` from starting again.
  const CommandResult again = testing::RunCommand(RunArgs({"--once"}), dir());
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(again.err, Not(HasSubstr("skipped")));
}

TEST_F(HostileInputTest, AStoredEntryThatNoLongerParsesIsReportedSkippedAndRemovable) {
  {
    // Entries as an older caawatch stored them, before it checked them as the file syntax does.
    absl::StatusOr<std::unique_ptr<store::Store>> store = store::Store::Open(data_dir());
    ASSERT_TRUE(store.ok()) << store.status();
    for (const std::string& name : {std::string("a..b.com"), kLongLabel + ".forbidden.test",
                                    std::string("ok.forbidden.test")}) {
      store::WatchRecord record;
      record.set_name(name);
      record.set_added_ms(1);
      ASSERT_TRUE((*store)->watches().Put(record).ok());
    }
  }
  std::unique_ptr<Subprocess> log = StartLog({.noise = 100, .plants = {}});
  const int port = testing::FreeTcpPort();
  const std::string grpc = absl::StrCat("127.0.0.1:", port);
  Subprocess monitor(RunArgs({"--grpc-listen", grpc}, {".allowed.test"}), dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(port, monitor);
  ASSERT_NE(stub, nullptr) << "a bad stored entry kept `run` from starting";

  // The good stored entry is in force beside the bad ones.
  bool observed = false;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       !observed && absl::Now() < deadline; absl::SleepFor(absl::Milliseconds(200))) {
    observed =
        LookedUp(Cli({"caa", "history", "ok.forbidden.test", "--json"}), "ok.forbidden.test");
  }
  EXPECT_TRUE(observed) << monitor.Stderr();
  EXPECT_THAT(monitor.Stderr(), HasSubstr("stored watch entry \"a..b.com\" skipped"));
  EXPECT_THAT(monitor.Stderr(), HasSubstr(absl::StrCat("stored watch entry \"", kLongLabel,
                                                       ".forbidden.test\" skipped")));

  // Listed, so the user sees them, and removable through the running monitor...
  const CommandResult listed = Cli({"watch", "list", "--json", "--grpc-listen", grpc});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(Listed(listed),
              ElementsAre(".allowed.test static", "a..b.com stored", "ok.forbidden.test stored",
                          kLongLabel + ".forbidden.test stored"));
  const CommandResult removed = Cli({"watch", "remove", "a..b.com", "--grpc-listen", grpc});
  EXPECT_EQ(removed.exit_code, 0) << removed.err;
  EXPECT_EQ(removed.out, "removed \"a..b.com\" (in the running monitor)\n");
  // ...and later changes still apply.
  const CommandResult added = Cli({"watch", "add", "new.forbidden.test", "--grpc-listen", grpc});
  EXPECT_EQ(added.exit_code, 0) << added.err;
  ASSERT_TRUE(testing::StopsCleanly(monitor));

  // ...or in the store itself.
  const CommandResult removed_local = Cli({"watch", "remove", kLongLabel + ".forbidden.test"});
  EXPECT_EQ(removed_local.exit_code, 0) << removed_local.err;
  const CommandResult unknown = Cli({"watch", "remove", "c..d.com"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_THAT(unknown.err, HasSubstr("\"c..d.com\""));
  const CommandResult after = Cli({"watch", "list", "--json"});
  ASSERT_EQ(after.exit_code, 0) << after.err;
  EXPECT_THAT(Listed(after), ElementsAre("new.forbidden.test stored", "ok.forbidden.test stored"));
}

TEST_F(HostileInputTest, CliWatchAddChecksTheIssuersAsTheFileDoes) {
  const CommandResult bad_issuer = Cli({"watch", "add", "ok.forbidden.test", "--issuer", "a..b"});
  EXPECT_EQ(bad_issuer.exit_code, 2) << bad_issuer.out;
  EXPECT_THAT(bad_issuer.err, HasSubstr("\"a..b\""));
  const CommandResult long_label = Cli({"watch", "add", kLongLabel + ".forbidden.test"});
  EXPECT_EQ(long_label.exit_code, 2) << long_label.out;
  const CommandResult good =
      Cli({"watch", "add", "ok.forbidden.test", "--issuer", "LetsEncrypt.org,pki.goog"});
  ASSERT_EQ(good.exit_code, 0) << good.err;
  const CommandResult listed = Cli({"watch", "list", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<nlohmann::json> entries = JsonLines(listed.out);
  ASSERT_EQ(entries.size(), 1u) << listed.out;
  EXPECT_EQ(entries[0]["issuers"], nlohmann::json::array({"letsencrypt.org", "pki.goog"}));
}

TEST_F(HostileInputTest, ALogListedTwiceIsTailedOnceWithAWarning) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 200, .plants = {"--plant", "www.forbidden.test:letsencrypt"}});
  CombineLogLists({{loglist(), "first listing"}, {loglist(), "second listing"}});
  const int port = testing::FreeTcpPort();
  Subprocess monitor(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", port)}), dir());
  ASSERT_NE(ConnectMonitor(port, monitor), nullptr);
  std::map<std::string, nlohmann::json> logs;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       absl::Now() < deadline && monitor.running(); absl::SleepFor(absl::Milliseconds(200))) {
    logs = LogsByDescription();
    if (testing::CaughtUp(logs["first listing"])) break;
  }
  ASSERT_TRUE(monitor.running()) << "caawatch run died: " << monitor.Stderr();
  EXPECT_TRUE(testing::CaughtUp(logs["first listing"])) << monitor.Stderr();
  EXPECT_EQ(LogsByDescription().count("second listing"), 0u);
  EXPECT_THAT(monitor.Stderr(), HasSubstr("\"second listing\""));
  EXPECT_THAT(monitor.Stderr(), HasSubstr("the later listing is ignored"));
  EXPECT_TRUE(testing::StopsCleanly(monitor));
  // The one certificate is one finding.
  EXPECT_EQ(StoredAlertSeqs().size(), 1u);
}

// Runs `caawatch ARGS` with at most 4 GiB of address space, so that an unbounded read ends in
// an allocation failure rather than taking the machine, and within `timeout` (a FIFO).
CommandResult RunLimited(const std::string& caawatch, const std::vector<std::string>& args,
                         const std::string& dir, absl::Duration timeout = absl::Seconds(20)) {
  std::vector<std::string> argv = {"/bin/sh", "-c", "ulimit -v 4194304 && exec \"$0\" \"$@\"",
                                   caawatch};
  argv.insert(argv.end(), args.begin(), args.end());
  return testing::RunCommand(argv, dir, timeout);
}

TEST_F(HostileInputTest, EveryFileReadIsBoundedAndEndsWithAClearError) {
  const std::string fifo = dir() + "/fifo";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  const std::string huge = dir() + "/huge.txt";  // Sparse: no disk used.
  std::filesystem::resize_file(WriteFile("huge.txt", ""), (size_t{256} << 20) + 1);
  const std::string data = "--data-dir=" + data_dir();

  struct Case {
    std::vector<std::string> args;
    std::string message;
  };
  for (const Case& c : std::vector<Case>{
           {{"run", data, "--watchlist", "/dev/zero"}, "not a regular file"},
           {{"run", data, "--watchlist", fifo}, "not a regular file"},
           {{"run", data, "--watchlist", huge}, "larger than 256 MiB"},
           {{"watch", "list", data, "--config", "/dev/zero"}, "not a regular file"},
           {{"watch", "list", data, "--config", fifo}, "not a regular file"},
           {{"inspect", "/dev/zero"}, "not a regular file"},
           {{"issuers", "import", data, "/dev/zero"}, "not a regular file"},
           {{"run", data, "--log-list", "/dev/zero", "--watch", "x.test", "--dns-server",
             dns_server(), "--dnssec", "off"},
            "not a regular file"},
       }) {
    const std::string what = absl::StrJoin(c.args, " ");
    const absl::Time start = absl::Now();
    const CommandResult result = RunLimited(caawatch(), c.args, dir());
    EXPECT_NE(result.exit_code, 0) << what;
    EXPECT_NE(result.exit_code, -1) << what << ": did not end";
    EXPECT_LT(result.exit_code, 128) << what << ": killed by a signal: " << Head(result.err);
    EXPECT_TRUE(absl::StrContains(result.err, c.message)) << what << ": " << Head(result.err);
    EXPECT_LT(absl::Now() - start, absl::Seconds(30)) << what;
  }
}

TEST_F(HostileInputTest, StandardInputIsReadUpToACap) {
  const CommandResult result = testing::RunCommand(
      {"/bin/sh", "-c", "ulimit -v 4194304 && exec \"$0\" inspect - < /dev/zero", caawatch()},
      dir(), absl::Seconds(60));
  EXPECT_EQ(result.exit_code, 1) << Head(result.err);
  EXPECT_TRUE(absl::StrContains(result.err, "standard input larger than 64 MiB"))
      << Head(result.err);
}

TEST_F(HostileInputTest, AHugeLineOrValueMakesAShortMessage) {
  const std::string big(10 << 20, 'a');
  const std::string watchlist = WriteFile("watchlist.txt", "ok.test\n" + big + "\n");
  const CommandResult line = testing::RunCommand(
      {caawatch(), "run", "--data-dir", data_dir(), "--watchlist", watchlist}, dir());
  EXPECT_EQ(line.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(line.err, "line 2 longer than 4096 bytes")) << Head(line.err);
  EXPECT_LT(line.err.size(), kMaxMessageBytes) << Head(line.err);

  // A config file of 10 MB is not read; values of 3 MB are quoted cut short.
  const CommandResult huge_config =
      Cli({"watch", "list", "--config", WriteFile("huge.json", R"({"start_at": ")" + big + "\"}")});
  EXPECT_EQ(huge_config.exit_code, 2);
  EXPECT_TRUE(absl::StrContains(huge_config.err, "larger than 4 MiB")) << Head(huge_config.err);
  const std::string value(3 << 20, 'a');
  for (const std::string& json :
       {absl::StrCat(R"({"start_at": ")", value, R"("})"),
        absl::StrCat(R"({"watch": [")", value, R"("]})"), absl::StrCat(R"({")", value, R"(": 1})"),
        absl::StrCat(R"({"log_list": ")", value),  // Not JSON: the parser quotes the token.
        absl::StrCat(R"({"watch": ["a.test )", std::string(3000, 'a'), R"("]})")}) {
    const std::string config = WriteFile("config.json", json);
    const CommandResult result = Cli({"watch", "list", "--config", config});
    EXPECT_EQ(result.exit_code, 2) << json.substr(0, 40);
    EXPECT_TRUE(absl::StrContains(result.err, "\"aaaa")) << json.substr(0, 40);
    EXPECT_LT(result.err.size(), kMaxMessageBytes)
        << json.substr(0, 40) << ": " << Head(result.err);
  }
}

TEST_F(HostileInputTest, ANulByteInAPathOrANameIsRefusedAndShownEscaped) {
  // The file the path names up to its NUL exists, and is a good watchlist.
  const std::string watchlist = WriteFile("list.txt", "ok.test\n");
  const std::string config = WriteFile(
      "config.json", absl::StrCat(R"({"watchlist_file": ")", watchlist, R"(\u0000.txt"})"));
  const CommandResult path = Cli({"watch", "list", "--config", config});
  EXPECT_EQ(path.exit_code, 2) << path.out;
  EXPECT_THAT(path.err, HasSubstr("NUL"));
  EXPECT_THAT(path.err, HasSubstr(absl::StrCat(watchlist, "\\x00.txt")));
  EXPECT_EQ(path.err.find('\0'), std::string::npos);

  const std::string name_config =
      WriteFile("names.json", R"({"watch": ["ok.test\u0000.evil.test"]})");
  const CommandResult name = Cli({"watch", "list", "--config", name_config});
  EXPECT_EQ(name.exit_code, 2) << name.out;
  EXPECT_THAT(name.err, HasSubstr("ok.test\\x00.evil.test"));
  EXPECT_EQ(name.err.find('\0'), std::string::npos);

  // A watchlist line with a NUL or a terminal escape: the line number, and the bytes escaped.
  const std::string nul_list =
      WriteFile("nul.txt", std::string("ok.test\nx.test\0\x1b[2J.evil\n", 25));
  const CommandResult line = testing::RunCommand(
      {caawatch(), "run", "--data-dir", data_dir(), "--watchlist", nul_list}, dir());
  EXPECT_EQ(line.exit_code, 2);
  EXPECT_THAT(line.err, HasSubstr("line 2"));
  EXPECT_THAT(line.err, HasSubstr("\\x00\\x1b[2J"));
  EXPECT_EQ(line.err.find('\0'), std::string::npos);
  EXPECT_EQ(line.err.find('\x1b'), std::string::npos);
}

}  // namespace
}  // namespace caawatch
