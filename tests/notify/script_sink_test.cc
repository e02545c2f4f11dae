// The script sink runs real shell scripts: one that records its environment and the files it
// is given, one that hangs with a child (both must be killed), one that fails.
#include "notify/script_sink.h"

#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "absl/strings/str_cat.h"
#include "ctlog/pem.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "notify/delivery_status.h"
#include "tests/notify/notify_fixture.h"

namespace caawatch::notify {
namespace {

using testing::GoogleFinding;
using testing::ParseEnvLines;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

std::string ReadFileIfAny(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Alive and not a zombie: /proc/PID/stat exists and its state is not Z.
bool ProcessRuns(const std::string& pid) {
  const std::string stat = ReadFileIfAny("/proc/" + pid + "/stat");
  if (stat.empty()) return false;
  const size_t paren = stat.rfind(')');
  return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] != 'Z';
}

TEST(ScriptSinkTest, ScriptGetsCertspotterEnvironmentAndFiles) {
  TempDir dir;
  const std::string script = dir.path() + "/hook";
  const std::string out = dir.path() + "/out";
  // A certspotter hook as users write them: record the environment and copy the files.
  WriteFile(script,
            "#!/bin/sh\n"
            "env > '" +
                out +
                ".env'\n"
                "cp \"$JSON_FILENAME\" '" +
                out +
                ".json'\n"
                "cp \"$CERT_FILENAME\" '" +
                out +
                ".pem'\n"
                "cp \"$CAAWATCH_FINDING_JSON\" '" +
                out + ".finding'\n",
            0700);
  setenv("CAAWATCH_INHERITED_PROBE", "kept", 1);
  ScriptSink sink({.path = script, .files_dir = dir.path() + "/files"});
  Notification n = GoogleFinding();
  ASSERT_TRUE(sink.Deliver(n).ok());
  auto env = ParseEnvLines(ReadFile(out + ".env"));
  EXPECT_EQ(env["EVENT"], "discovered_cert");
  EXPECT_EQ(env["WATCH_ITEM"], ".google.com");
  EXPECT_EQ(env["ISSUER_DN"], "C=US, O=Google Trust Services, CN=WR2");
  EXPECT_EQ(env["NOT_AFTER"], "2025-08-25 08:35:29 +0000 UTC");
  EXPECT_EQ(env["CAAWATCH_SEQ"], "42");
  EXPECT_EQ(env["CAAWATCH_VERDICT"], "forbidden");
  EXPECT_EQ(env["CAAWATCH_INHERITED_PROBE"], "kept");  // The daemon's environment is passed on.
  auto j = nlohmann::json::parse(ReadFile(out + ".json"));
  EXPECT_EQ(j["cert_sha256"], env["CERT_SHA256"]);
  EXPECT_EQ(j["tbs_sha256"], env["TBS_SHA256"]);
  // The PEM file is the whole chain, leaf first, byte for byte.
  EXPECT_EQ(ctlog::PemCertificates(ReadFile(out + ".pem")), n.chain);
  EXPECT_EQ(ReadFile(out + ".finding"), n.finding_json);
  // The files are private to the monitor's user.
  EXPECT_EQ(
      std::filesystem::status(env["CERT_FILENAME"]).permissions() & std::filesystem::perms::all,
      std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
}

TEST(ScriptSinkTest, HangingScriptIsKilledWithItsChild) {
  TempDir dir;
  const std::string script = dir.path() + "/hang";
  const std::string pids = dir.path() + "/pids";
  WriteFile(script,
            "#!/bin/sh\n"
            "sleep 1000 &\n"
            "echo $$ $! > '" +
                pids +
                "'\n"
                "echo started\n"
                "wait\n",
            0700);
  ScriptSink sink(
      {.path = script, .files_dir = dir.path() + "/files", .timeout = absl::Seconds(2)});
  const absl::Status status = sink.Deliver(GoogleFinding());
  EXPECT_EQ(status.code(), absl::StatusCode::kDeadlineExceeded) << status;
  EXPECT_TRUE(IsRetryable(status));
  EXPECT_NE(status.message().find("process group killed"), std::string::npos) << status;
  EXPECT_NE(status.message().find("started"), std::string::npos) << status;
  std::string script_pid, child_pid;
  std::istringstream(ReadFile(pids)) >> script_pid >> child_pid;
  ASSERT_FALSE(child_pid.empty());
  EXPECT_FALSE(ProcessRuns(script_pid));
  // SIGKILL is sent to the whole group before Deliver returns; the child dies when it is next
  // scheduled, so wait for that (bounded: a child that was never killed fails).
  for (int i = 0; i < 200 && ProcessRuns(child_pid); ++i) ::usleep(50 * 1000);
  EXPECT_FALSE(ProcessRuns(child_pid)) << "the script's child outlived the timeout";
  if (ProcessRuns(child_pid)) ::kill(std::stoi(child_pid), SIGKILL);  // Leave nothing behind.
}

TEST(ScriptSinkTest, BackgroundChildHoldingOutputDoesNotHoldTheSink) {
  TempDir dir;
  const std::string script = dir.path() + "/forks";
  const std::string pid_file = dir.path() + "/pid";
  // The child keeps the script's stdout open for a minute after the script exits 0.
  WriteFile(script, "#!/bin/sh\nsleep 60 &\necho $! > '" + pid_file + "'\nexit 0\n", 0700);
  ScriptSink sink(
      {.path = script, .files_dir = dir.path() + "/files", .timeout = absl::Seconds(20)});
  // Waiting for the end of the output would run into the timeout (kDeadlineExceeded).
  EXPECT_TRUE(sink.Deliver(GoogleFinding()).ok());
  std::string child_pid;
  std::istringstream(ReadFile(pid_file)) >> child_pid;
  if (!child_pid.empty() && ProcessRuns(child_pid)) ::kill(std::stoi(child_pid), SIGKILL);
}

TEST(ScriptSinkTest, FailingScriptIsARetryableFailureWithItsOutput) {
  TempDir dir;
  const std::string script = dir.path() + "/fail";
  WriteFile(script, "#!/bin/sh\necho \"mail server down\x1b[2J\" >&2\nexit 3\n", 0700);
  ScriptSink sink({.path = script, .files_dir = dir.path() + "/files"});
  const absl::Status status = sink.Deliver(GoogleFinding());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_TRUE(IsRetryable(status));
  EXPECT_NE(status.message().find("exited with status 3"), std::string::npos) << status;
  EXPECT_NE(status.message().find("mail server down"), std::string::npos) << status;
  // The script's output is quoted escaped: no terminal escape reaches the log.
  EXPECT_EQ(status.message().find('\x1b'), std::string::npos) << status;
}

TEST(ScriptSinkTest, OutputIsBounded) {
  TempDir dir;
  const std::string script = dir.path() + "/loud";
  WriteFile(script, "#!/bin/sh\nhead -c 10000000 /dev/zero | tr '\\0' x\nexit 1\n", 0700);
  ScriptSink sink({.path = script, .files_dir = dir.path() + "/files"});
  const absl::Status status = sink.Deliver(GoogleFinding());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  EXPECT_LT(status.message().size(), 1000u);
}

TEST(ScriptSinkTest, NotExecutableIsNotRetryable) {
  TempDir dir;
  const std::string script = dir.path() + "/plain";
  WriteFile(script, "#!/bin/sh\nexit 0\n", 0600);
  ScriptSink sink({.path = script, .files_dir = dir.path() + "/files"});
  const absl::Status status = sink.Deliver(GoogleFinding());
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition) << status;
  EXPECT_FALSE(IsRetryable(status));
}

TEST(ScriptSinkTest, HooksDirectoryListsExecutablesLikeCertspotter) {
  TempDir dir;
  WriteFile(dir.path() + "/20-b", "#!/bin/sh\n", 0700);
  WriteFile(dir.path() + "/10-a", "#!/bin/sh\n", 0700);
  WriteFile(dir.path() + "/.hidden", "#!/bin/sh\n", 0700);
  WriteFile(dir.path() + "/README", "not a hook\n", 0600);
  std::filesystem::create_directory(dir.path() + "/subdir");
  auto hooks = HooksInDirectory(dir.path());
  ASSERT_TRUE(hooks.ok());
  EXPECT_EQ(*hooks, (std::vector<std::string>{dir.path() + "/10-a", dir.path() + "/20-b"}));
  auto none = HooksInDirectory(dir.path() + "/missing");
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
}

}  // namespace
}  // namespace caawatch::notify
