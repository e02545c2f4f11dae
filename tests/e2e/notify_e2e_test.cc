// Notifications from `caawatch run` end to end (SPEC §6): real processes throughout (the test
// CT log, Knot, caawatch, a webhook receiver that fails a share of requests, hook scripts,
// msmtp to aiosmtpd). What an owner relies on: nothing lost across SIGKILL, a receiver that
// deduplicates by Idempotency-Key sees each finding once, a hanging sink holds up nothing
// else, and mail arrives.
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "ctlog/leaf.h"
#include "ctlog/pem.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/notify/background_process.h"

namespace caawatch {
namespace {

using nlohmann::json;
using testing::CommandResult;
using testing::ForbiddenPlants;
using testing::JsonLines;
using testing::Subprocess;

class NotifyEndToEndTest : public testing::EndToEndFixture {
 protected:
  // The webhook receiver of the notify tests, answering by `plan` (webhook_receiver.py).
  void StartReceiver(const std::string& plan) {
    port_ = notify::testing::FreeLoopbackPort();
    requests_ = dir() + "/requests.jsonl";
    receiver_ = std::make_unique<notify::testing::BackgroundProcess>(std::vector<std::string>{
        "/usr/bin/python3", CAAWATCH_SOURCE_DIR "/tests/notify/webhook_receiver.py",
        std::to_string(port_), requests_, "secret", plan.empty() ? "," : plan});
    ASSERT_TRUE(notify::testing::WaitForPort(port_)) << "webhook receiver did not start";
  }
  std::string WebhookUrl() const { return absl::StrCat("http://127.0.0.1:", port_, "/hook"); }
  std::string Script(const std::string& name, const std::string& body) const {
    const std::string path = WriteFile(name, "#!/bin/sh\n" + body);
    ::chmod(path.c_str(), 0700);
    return path;
  }
  // The seqs of every stored finding.
  std::set<uint64_t> FindingSeqs() const {
    const CommandResult r = Cli({"findings", "--json", "--limit", "100000"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::set<uint64_t> out;
    for (const json& f : JsonLines(r.out)) out.insert(f["seq"].get<uint64_t>());
    return out;
  }
  // The first word of each line of `path` as a seq.
  static std::multiset<uint64_t> SeqLines(const std::string& path) {
    std::multiset<uint64_t> out;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
      uint64_t seq = 0;
      const std::vector<std::string> words = absl::StrSplit(line, ' ');
      if (absl::SimpleAtoi(words[0], &seq)) out.insert(seq);
    }
    return out;
  }
  // Lines in `path`, without parsing them (a writer may be in the middle of one).
  static size_t LineCount(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    size_t n = 0;
    while (std::getline(in, line)) ++n;
    return n;
  }
  std::vector<json> Requests() const {
    std::vector<json> out;
    std::ifstream in(requests_);
    std::string line;
    while (std::getline(in, line)) out.push_back(json::parse(line));
    return out;
  }

  int port_ = 0;
  std::string requests_;
  std::unique_ptr<notify::testing::BackgroundProcess> receiver_;
};

TEST_F(NotifyEndToEndTest, RepeatedSigkillWhileDeliveringLosesNoNotification) {
  constexpr int kPlanted = 30;
  std::unique_ptr<Subprocess> log = StartLog({.plants = ForbiddenPlants("--plant", "k", kPlanted)});
  StartReceiver("500,200,hang,500,200,429,200,500");
  const std::string script_log = dir() + "/script.log";
  // A slow hook, so that deliveries span many of the killed runs.
  const std::string script =
      Script("slow-hook", "sleep 0.3\necho \"$CAAWATCH_SEQ $EVENT\" >> '" + script_log + "'\n");
  const json config = {{"notify",
                        {{"max_backoff", "50ms"},
                         {"sinks", json::array({{{"webhook", WebhookUrl()}, {"timeout", "500ms"}},
                                                {{"script", script}}})}}}};
  const std::string config_file = WriteFile("config.json", config.dump());
  const std::vector<std::string> args = RunArgs({"--once", "--config", config_file});

  // Each run is killed at a random moment after its sinks have started delivering (a run
  // first tails the log and polls CAA, which takes longer on a busy machine): 0-600 ms after
  // the first script run or webhook request it makes.
  std::mt19937_64 random(20261206);
  int kills = 0;
  for (int attempt = 0; attempt < 60 && kills < 10; ++attempt) {
    const size_t before = LineCount(script_log) + LineCount(requests_);
    Subprocess run(args, dir());
    for (int i = 0; i < 3000 && run.running(); ++i) {
      if (LineCount(script_log) + LineCount(requests_) > before) break;
      absl::SleepFor(absl::Milliseconds(10));
    }
    absl::SleepFor(absl::Milliseconds(random() % 600));
    run.Signal(SIGKILL);
    const std::optional<int> code = run.Wait(absl::Seconds(30));
    ASSERT_TRUE(code.has_value());
    if (*code == 0) break;  // Finished before the kill: everything is delivered.
    ASSERT_EQ(*code, 128 + SIGKILL) << run.Stderr();
    ++kills;
  }
  const CommandResult last = testing::RunCommand(args, dir(), absl::Seconds(120));
  ASSERT_EQ(last.exit_code, 0) << last.err;
  EXPECT_GE(kills, 10);
  RecordProperty("kills", kills);

  const std::set<uint64_t> seqs = FindingSeqs();
  ASSERT_EQ(seqs.size(), static_cast<size_t>(kPlanted));
  // The script: every finding at least once.
  const std::multiset<uint64_t> ran = SeqLines(script_log);
  for (uint64_t seq : seqs) EXPECT_GE(ran.count(seq), 1u) << "script never got seq " << seq;
  // The webhook: every finding answered 200 at least once; every request of a seq carries that
  // seq's key, so a receiver keeping the first request per key sees each finding exactly once.
  std::set<std::string> accepted_keys;
  size_t requests = 0;
  for (const json& r : Requests()) {
    ++requests;
    const std::string key = r["headers"]["idempotency-key"];
    uint64_t seq = 0;
    ASSERT_TRUE(absl::SimpleAtoi(r["headers"]["x-caawatch-seq"].get<std::string>(), &seq));
    EXPECT_EQ(key, absl::StrCat("caawatch-", seq));
    EXPECT_EQ(json::parse(r["body"].get<std::string>())["seq"], seq);
    if (r["answer"] == "200") accepted_keys.insert(key);
  }
  std::set<std::string> expected_keys;
  for (uint64_t seq : seqs) expected_keys.insert(absl::StrCat("caawatch-", seq));
  EXPECT_EQ(accepted_keys, expected_keys);
  RecordProperty("webhook_requests", static_cast<int>(requests));
  RecordProperty("script_runs", static_cast<int>(ran.size()));
  // Nothing left: every sink's cursor is at the last finding.
  const CommandResult status = Cli({"notify", "status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const std::vector<json> sinks = JsonLines(status.out);
  ASSERT_EQ(sinks.size(), 2u) << status.out;
  for (const json& s : sinks) {
    EXPECT_EQ(s["cursor"], *seqs.rbegin()) << s;
    EXPECT_EQ(s["pending"], 0) << s;
  }
}

TEST_F(NotifyEndToEndTest, AHangingSinkDelaysNeitherTheGrpcAlertNorAnotherSink) {
  constexpr int kPlanted = 3;
  std::unique_ptr<Subprocess> log = StartLog({.plants = ForbiddenPlants("--plant", "h", kPlanted)});
  const std::string hang_log = dir() + "/hang.log";
  const std::string good_log = dir() + "/good.log";
  // The first hook never returns (its timeout is an hour); the second writes when it ran.
  const std::string hang =
      Script("hang-hook", "echo \"$CAAWATCH_SEQ\" >> '" + hang_log + "'\nexec sleep 100000\n");
  const std::string good =
      Script("good-hook", "echo \"$CAAWATCH_SEQ $(date +%s%N)\" >> '" + good_log + "'\n");
  const json config = {
      {"notify",
       {{"poll_interval", "200ms"},
        {"sinks", json::array({{{"script", hang}, {"timeout", "1h"}}, {{"script", good}}})}}}};
  const std::string config_file = WriteFile("config.json", config.dump());
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port), "--config", config_file}),
      dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  std::map<uint64_t, absl::Time> alerted;
  v1::Alert alert;
  while (alerted.size() < kPlanted && reader->Read(&alert)) alerted[alert.seq()] = absl::Now();
  ASSERT_EQ(alerted.size(), static_cast<size_t>(kPlanted)) << monitor.Stderr();
  context.TryCancel();
  // The other sink gets every finding while the hanging one is still on its first.
  for (int i = 0; i < 1200 && SeqLines(good_log).size() < kPlanted; ++i) {
    absl::SleepFor(absl::Milliseconds(50));
  }
  const std::multiset<uint64_t> good_seqs = SeqLines(good_log);
  const std::multiset<uint64_t> hang_seqs = SeqLines(hang_log);
  EXPECT_EQ(hang_seqs.size(), 1u);
  std::multiset<uint64_t> alerted_seqs;
  for (const auto& [seq, at] : alerted) alerted_seqs.insert(seq);
  EXPECT_EQ(good_seqs, alerted_seqs);
  // Measured, not asserted: how long after its gRPC alert each finding reached the good sink.
  std::ifstream in(good_log);
  std::string line;
  while (std::getline(in, line)) {
    const std::vector<std::string> words = absl::StrSplit(line, ' ');
    uint64_t seq = 0;
    int64_t ns = 0;
    if (words.size() == 2 && absl::SimpleAtoi(words[0], &seq) && absl::SimpleAtoi(words[1], &ns) &&
        alerted.contains(seq)) {
      RecordProperty(
          absl::StrCat("good_sink_after_alert_ms_seq", seq),
          static_cast<int>(absl::ToInt64Milliseconds(absl::FromUnixNanos(ns) - alerted[seq])));
    }
  }
  // A stop does not wait for the hanging hook: its process group is killed.
  monitor.Signal(SIGTERM);
  const std::optional<int> code = monitor.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value()) << "caawatch run did not stop with a hanging hook";
  EXPECT_EQ(*code, 0) << monitor.Stderr();
}

TEST_F(NotifyEndToEndTest, MailGoesThroughSendmailToTheSmtpServer) {
  std::unique_ptr<Subprocess> log = StartLog({.plants = ForbiddenPlants("--plant", "mail", 2)});
  const int smtp_port = notify::testing::FreeLoopbackPort();
  const std::string maildir = dir() + "/maildir";
  notify::testing::BackgroundProcess smtp({"/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                                           absl::StrCat("127.0.0.1:", smtp_port), "-c",
                                           "aiosmtpd.handlers.Mailbox", maildir});
  ASSERT_TRUE(notify::testing::WaitForPort(smtp_port)) << "aiosmtpd did not start";
  const std::string msmtprc =
      WriteFile("msmtprc", absl::StrCat("account default\nhost 127.0.0.1\nport ", smtp_port,
                                        "\nfrom caawatch@monitor.test\nauth off\ntls off\n"));
  ::chmod(msmtprc.c_str(), 0600);
  const std::string sendmail =
      Script("sendmail", "exec /usr/bin/msmtp -C '" + msmtprc + "' \"$@\"\n");
  const CommandResult run = testing::RunCommand(
      RunArgs({"--once", "--email", "owner@example.test", "--sendmail", sendmail}), dir(),
      absl::Seconds(120));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> messages;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(maildir + "/new", ec)) {
    messages.push_back(testing::ReadFileOrEmpty(e.path().string()));
  }
  ASSERT_EQ(messages.size(), 2u);
  std::set<std::string> names;
  for (const std::string& m : messages) {
    EXPECT_NE(m.find("To: owner@example.test"), std::string::npos) << m;
    // Logged before caawatch first looked at their CAA: judged against the state observed just
    // after issuance (no_data), which forbids Let's Encrypt.
    EXPECT_NE(m.find("Subject: [caawatch] no_data: certificate for mail"), std::string::npos) << m;
    EXPECT_NE(m.find("from Internet Security Research Group (Let's Encrypt)"), std::string::npos)
        << m;
    for (const char* n : {"mail0.forbidden.test", "mail1.forbidden.test"}) {
      if (m.find(n) != std::string::npos) names.insert(n);
    }
  }
  EXPECT_EQ(names.size(), 2u);
}

TEST_F(NotifyEndToEndTest, AHookHearsTheWatchlistItemThatMatchedAsCertspotterSaysIt) {
  std::unique_ptr<Subprocess> log = StartLog({.plants = ForbiddenPlants("--plant", "item", 1)});
  const std::string out = dir() + "/item.txt";
  const std::string hook =
      Script("item-hook", "printf '%s\\n%s\\n' \"$WATCH_ITEM\" \"$SUMMARY\" > '" + out + "'\n");
  // Watched as a subtree (RunArgs: .forbidden.test, .allowed.test): certspotter's WATCH_ITEM is
  // the item, ".forbidden.test", not the certificate's name.
  const CommandResult run =
      testing::RunCommand(RunArgs({"--once", "--script", hook}), dir(), absl::Seconds(120));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_EQ(testing::ReadFileOrEmpty(out),
            ".forbidden.test\nCertificate Discovered for .forbidden.test\n");
}

TEST_F(NotifyEndToEndTest, NotifyTestSendsAMarkedEventToEverySink) {
  StartReceiver("");
  const std::string out = dir() + "/hook.env";
  const std::string hook = Script("env-hook", "env > '" + out + "'\n");
  const CommandResult r = Cli({"notify", "test", "--webhook", WebhookUrl(), "--script", hook,
                               "--hooks-dir", dir() + "/none"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<json> requests = Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0]["headers"]["x-caawatch-test"], "yes");
  EXPECT_EQ(json::parse(requests[0]["body"].get<std::string>())["names"][0],
            "caawatch-test.invalid");
  const std::string env = testing::ReadFileOrEmpty(out);
  EXPECT_NE(env.find("EVENT=discovered_cert"), std::string::npos) << env;
  EXPECT_NE(env.find("SUMMARY=[test] Certificate Discovered for caawatch-test.invalid"),
            std::string::npos)
      << env;
  // A sink that fails says so, and the exit code too.
  const CommandResult bad =
      Cli({"notify", "test", "--webhook", "http://127.0.0.1:1/x", "--hooks-dir", dir() + "/none"});
  EXPECT_EQ(bad.exit_code, 1) << bad.out << bad.err;
  EXPECT_NE(bad.out.find("webhook http://127.0.0.1:1/x"), std::string::npos) << bad.out;
}

// certspotter-script(8): CERT_FILENAME holds "the PEM-encoded certificate chain". Debian's
// certspotter, run on the same test log, says what that is for each entry; caawatch's hook
// must get the same certificates for the entry it reports (the final certificate's).
TEST_F(NotifyEndToEndTest, CertFilenameHoldsTheChainCertspotterWrites) {
  constexpr char kCertspotter[] = "/usr/bin/certspotter";
  ASSERT_EQ(::access(kCertspotter, X_OK), 0)
      << "certspotter is not installed (scripts/install-deps.sh installs it)";
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 20, .plants = {"--plant", "www.allowed.test:letsencrypt"}});
  for (const char* tool : {"certspotter", "caawatch"}) {
    std::filesystem::create_directory(dir() + "/" + tool);
  }
  const auto hook = [&](const std::string& tool) {
    const std::string out = dir() + "/" + tool + "/";
    return Script(tool + "-hook", "cp \"$CERT_FILENAME\" '" + out + "'\"$ENTRY_INDEX.tmp\"\n" +
                                      "mv '" + out + "'\"$ENTRY_INDEX.tmp\" '" + out +
                                      "'\"$ENTRY_INDEX.pem\"\n");
  };
  const std::string watchlist = WriteFile("watchlist", ".allowed.test\n");
  {
    Subprocess certspotter({kCertspotter, "-logs", loglist(), "-watchlist", watchlist, "-script",
                            hook("certspotter"), "-state_dir", dir() + "/certspotter-state"},
                           dir());
    // The precertificate and the certificate: two entries.
    for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
         absl::Now() < deadline &&
         std::distance(std::filesystem::directory_iterator(dir() + "/certspotter"),
                       std::filesystem::directory_iterator()) < 2;
         absl::SleepFor(absl::Milliseconds(100))) {
    }
  }
  const CommandResult run =
      testing::RunCommand(RunArgs({"--once", "--script", hook("caawatch")}, {".allowed.test"}),
                          dir(), absl::Seconds(120));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  size_t compared = 0;
  for (const auto& file : std::filesystem::directory_iterator(dir() + "/caawatch")) {
    const std::string name = file.path().filename().string();
    SCOPED_TRACE(name);
    const std::vector<std::vector<uint8_t>> ours =
        ctlog::PemCertificates(testing::ReadFileOrEmpty(file.path().string()));
    const std::vector<std::vector<uint8_t>> theirs =
        ctlog::PemCertificates(testing::ReadFileOrEmpty(dir() + "/certspotter/" + name));
    ASSERT_FALSE(theirs.empty()) << "certspotter wrote no file for this entry";
    EXPECT_GE(ours.size(), 2u) << "the leaf without its issuers";
    EXPECT_EQ(ours, theirs);
    ++compared;
  }
  EXPECT_EQ(compared, 1u);  // One issuance: one hook run.
}

// certspotter-script(8) for malformed_cert: ENTRY_FILENAME is the log entry as the log served
// it (get-entries' leaf_input and extra_data, base64 in a JSON object); its leaf is the one
// LEAF_HASH names, read back from the store by the delivery.
TEST_F(NotifyEndToEndTest, MalformedCertHookGetsTheEntryFile) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 20, .plants = {"--plant-truncated", "bad.forbidden.test:letsencrypt"}});
  const std::string out = dir() + "/malformed";
  const std::string hook =
      Script("malformed-hook", "[ \"$EVENT\" = malformed_cert ] || exit 0\nenv > '" + out +
                                   ".env'\ncp \"$ENTRY_FILENAME\" '" + out + ".json'\n");
  const CommandResult run =
      testing::RunCommand(RunArgs({"--once", "--script", hook}), dir(), absl::Seconds(120));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::string env = testing::ReadFileOrEmpty(out + ".env");
  ASSERT_NE(env.find("EVENT=malformed_cert"), std::string::npos) << env << run.err;
  EXPECT_NE(env.find("ENTRY_FILENAME="), std::string::npos) << env;
  std::string leaf_hash;
  for (absl::string_view line : absl::StrSplit(env, '\n')) {
    if (absl::ConsumePrefix(&line, "LEAF_HASH=")) leaf_hash = std::string(line);
  }
  const json entry = json::parse(testing::ReadFileOrEmpty(out + ".json"), nullptr, false);
  ASSERT_TRUE(entry.is_object()) << testing::ReadFileOrEmpty(out + ".json");
  std::string leaf_input, extra_data;
  ASSERT_TRUE(absl::Base64Unescape(entry["leaf_input"].get<std::string>(), &leaf_input));
  ASSERT_TRUE(absl::Base64Unescape(entry["extra_data"].get<std::string>(), &extra_data));
  EXPECT_FALSE(extra_data.empty());
  const ctlog::Sha256Hash hash = ctlog::MerkleLeafHash(
      absl::MakeConstSpan(reinterpret_cast<const uint8_t*>(leaf_input.data()), leaf_input.size()));
  EXPECT_EQ(absl::Base64Escape(std::string(hash.begin(), hash.end())), leaf_hash);
}

}  // namespace
}  // namespace caawatch
