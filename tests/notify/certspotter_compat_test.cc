// The same certificates through certspotter itself (Debian's package, run here against the
// test CT log with a hook that records what it gets) and through caawatch's hook environment:
// every variable certspotter sets, and every field of its JSON file, must be equal.
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "ctlog/certificate_parser.h"
#include "ctlog/pem.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "notify/hook_environment.h"
#include "tests/notify/background_process.h"
#include "tests/notify/notify_fixture.h"

namespace caawatch::notify {
namespace {

using testing::BackgroundProcess;
using testing::ParseEnvLines;
using testing::ReadFile;
using testing::TempDir;
using testing::WriteFile;

constexpr char kCertspotter[] = "/usr/bin/certspotter";

// certspotter-script(8)'s variables (and its undocumented compatibility ones) whose values are
// not paths of certspotter's own state directory.
const std::vector<std::string>& ComparedVariables() {
  static const auto* names = new std::vector<std::string>{"EVENT",
                                                          "SUMMARY",
                                                          "WATCH_ITEM",
                                                          "LOG_URI",
                                                          "ENTRY_INDEX",
                                                          "TBS_SHA256",
                                                          "CERT_SHA256",
                                                          "PUBKEY_SHA256",
                                                          "NOT_BEFORE",
                                                          "NOT_BEFORE_UNIXTIME",
                                                          "NOT_BEFORE_RFC3339",
                                                          "NOT_AFTER",
                                                          "NOT_AFTER_UNIXTIME",
                                                          "NOT_AFTER_RFC3339",
                                                          "VALIDITY_PARSE_ERROR",
                                                          "SUBJECT_DN",
                                                          "SUBJECT_PARSE_ERROR",
                                                          "ISSUER_DN",
                                                          "ISSUER_PARSE_ERROR",
                                                          "SERIAL",
                                                          "SERIAL_PARSE_ERROR",
                                                          "CERT_PARSEABLE",
                                                          "FINGERPRINT",
                                                          "PUBKEY_HASH"};
  return *names;
}

bool WaitForFiles(const std::string& dir, size_t count) {
  for (int i = 0; i < 1200; ++i) {  // Up to a minute: certspotter polls the log.
    std::error_code ec;
    size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
      if (e.path().extension() != ".tmp") ++n;  // The hook renames a finished record.
    }
    if (n >= count) return true;
    ::usleep(50 * 1000);
  }
  return false;
}

TEST(CertspotterCompatTest, HookGetsTheValuesCertspotterGives) {
  ASSERT_EQ(::access(kCertspotter, X_OK), 0)
      << "certspotter is not installed (scripts/install-deps.sh installs it)";
  TempDir dir;
  const std::string out = dir.path() + "/out";
  std::filesystem::create_directory(out);
  // One precertificate/certificate pair for www.watched.test from the test log's Let's Encrypt
  // look-alike CA, and an unrelated one.
  BackgroundProcess log({CAAWATCH_BINARY_DIR "/tests/fakes/caawatch_test_log", "--plant",
                         "www.watched.test:letsencrypt", "--plant", "other.test:google",
                         "--publish", "--loglist-out", dir.path() + "/list.json"});
  for (int i = 0; i < 1200 && !std::filesystem::exists(dir.path() + "/list.json"); ++i) {
    ::usleep(50 * 1000);
  }
  ASSERT_TRUE(std::filesystem::exists(dir.path() + "/list.json")) << "the test log did not start";
  WriteFile(dir.path() + "/watchlist", ".watched.test\n");
  const std::string hook = dir.path() + "/hook";
  WriteFile(hook,
            "#!/bin/sh\n"
            "d=" +
                out +
                "/$ENTRY_INDEX\nmkdir \"$d.tmp\"\n"
                "env > \"$d.tmp/env\"\n"
                "cp \"$JSON_FILENAME\" \"$d.tmp/json\"\n"
                "cp \"$CERT_FILENAME\" \"$d.tmp/pem\"\n"
                "mv \"$d.tmp\" \"$d\"\n",
            0700);
  {
    BackgroundProcess certspotter({kCertspotter, "-logs", dir.path() + "/list.json", "-watchlist",
                                   dir.path() + "/watchlist", "-script", hook, "-state_dir",
                                   dir.path() + "/state"});
    ASSERT_TRUE(WaitForFiles(out, 2)) << "certspotter did not report the two entries";
  }

  size_t compared = 0;
  for (const char* index : {"0", "1"}) {
    SCOPED_TRACE(absl::StrCat("entry ", index));
    const std::string got = out + "/" + index;
    auto theirs = ParseEnvLines(ReadFile(got + "/env"));
    // The same certificate, chain and log entry, told through caawatch.
    Notification n;
    n.chain = ctlog::PemCertificates(ReadFile(got + "/pem"));
    ASSERT_FALSE(n.chain.empty());
    n.watch_item = ".watched.test";
    n.finding.set_seq(1);
    n.finding.set_kind("certificate");
    n.finding.set_verdict("permitted");
    store::EntryRef* e = n.finding.add_entries();
    e->set_log_url(theirs["LOG_URI"]);
    e->set_index(std::stoull(index));
    e->set_precert(ctlog::ParseCertificateIdentity(n.chain[0]).is_precertificate);
    auto env = BuildHookEnvironment(n, dir.path() + "/files");
    ASSERT_TRUE(env.ok()) << env.status();
    std::map<std::string, std::string> ours;
    for (const auto& [k, v] : env->vars) ours[k] = v;
    for (const std::string& name : ComparedVariables()) {
      if (theirs.count(name) == 0) {
        EXPECT_EQ(ours.count(name), 0u) << name << " is set by caawatch only: " << ours[name];
        continue;
      }
      ++compared;
      EXPECT_EQ(ours[name], theirs[name]) << name;
    }
    for (const char* file : {"CERT_FILENAME", "JSON_FILENAME", "TEXT_FILENAME"}) {
      EXPECT_EQ(theirs.count(file), ours.count(file)) << file;
    }
    // Every field of certspotter's JSON file, with the same value (caawatch writes more).
    auto their_json = nlohmann::json::parse(ReadFile(got + "/json"));
    nlohmann::json our_json;
    for (const auto& f : env->files) {
      if (f.path == ours["JSON_FILENAME"]) our_json = nlohmann::json::parse(f.contents);
    }
    for (const auto& [key, value] : their_json.items()) {
      ++compared;
      EXPECT_EQ(our_json[key], value) << key;
    }
  }
  EXPECT_GE(compared, 2u * 20u);  // The comparison compared something.
  // A precertificate and its certificate: one TBS_SHA256, two CERT_SHA256.
  auto pre = ParseEnvLines(ReadFile(out + "/0/env"));
  auto fin = ParseEnvLines(ReadFile(out + "/1/env"));
  EXPECT_EQ(pre["TBS_SHA256"], fin["TBS_SHA256"]);
  EXPECT_NE(pre["CERT_SHA256"], fin["CERT_SHA256"]);
}

}  // namespace
}  // namespace caawatch::notify
