// The evidence bundle of a `forbidden` finding, end to end (issue 20): the test CT log serves a
// Let's Encrypt certificate for a name whose CAA (served by Knot) allows only Google Trust
// Services; `caawatch run --once` judges it; `caawatch evidence SEQ` writes the bundle with
// proofs fetched from the log; `caawatch evidence verify` and an independent check (Python's
// hashlib and the OpenSSL command line) accept it, and refuse it with one byte changed.
#include <signal.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::JsonLines;
using testing::Subprocess;

std::vector<std::string> FilesStartingWith(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> names;
  for (const auto& file : std::filesystem::directory_iterator(dir)) {
    const std::string name = file.path().filename().string();
    if (absl::StartsWith(name, prefix)) names.push_back(name);
  }
  return names;
}

void FlipByteAfter(const std::string& path, const std::string& field) {
  std::string text = testing::ReadFileOrEmpty(path);
  const size_t at = text.find(field);
  ASSERT_NE(at, std::string::npos) << path;
  text[at + field.size() + 10] ^= 0x01;  // Inside the base64 value that follows.
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

class EvidenceE2eTest : public testing::EndToEndFixture {
 protected:
  // Once the log is read (after the first CAA poll), has `log` publish its planted certificate
  // (SIGUSR1): judged by the CAA observed before its issuance, it is forbidden. True with its
  // alert in `alert`; false, with a test failure, otherwise.
  bool AwaitForbiddenAlert(Subscribed& run, Subprocess& log, v1::Alert* alert) {
    for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
         absl::Now() < deadline && run.monitor->running();) {
      const std::map<std::string, nlohmann::json> logs = LogsByDescription();
      if (!logs.empty() && testing::CaughtUp(logs.begin()->second)) break;
      absl::SleepFor(absl::Milliseconds(100));
    }
    log.Signal(SIGUSR1);
    if (!run.reader->Read(alert)) {
      ADD_FAILURE() << "no alert: " << run.monitor->Stderr();
      return false;
    }
    EXPECT_EQ(alert->finding().verdict(), v1::FORBIDDEN) << alert->DebugString();
    return alert->finding().verdict() == v1::FORBIDDEN;
  }

  // Runs `caawatch run` on the log list, has `log` publish its planted certificate (SIGUSR1),
  // waits for the forbidden alert and for `status` to say its proofs are stored, stops the
  // monitor and then the log. Returns the finding's seq ("" after a test failure).
  std::string JudgeForbiddenThenStopTheLog(Subprocess& log, const std::string& config) {
    Subscribed run = RunAndSubscribe(config);
    EXPECT_NE(run.reader, nullptr);
    if (run.reader == nullptr) return "";
    v1::Alert alert;
    if (!AwaitForbiddenAlert(run, log, &alert)) return "";
    // `status` says when the finding is no longer proof pending: its proofs are stored.
    std::string status;
    for (const absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
      status = Cli({"status"}).out;
      if (absl::StrContains(status, "evidence: 0 findings proof pending") &&
          !absl::StrContains(status, "last proof stored never")) {
        break;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    EXPECT_THAT(status, HasSubstr("evidence: 0 findings proof pending")) << run.monitor->Stderr();
    EXPECT_THAT(status, ::testing::Not(HasSubstr("last proof stored never")));
    run.context->TryCancel();
    EXPECT_TRUE(testing::StopsCleanly(*run.monitor));
    log.Signal(SIGTERM);
    EXPECT_TRUE(log.Wait(absl::Seconds(10)).has_value());
    return std::to_string(alert.seq());
  }
};

TEST_F(EvidenceE2eTest, AForbiddenFindingsBundleVerifiesHereAndIndependently) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 50, .plants = {"--plant-on-signal", "www.forbidden.test:letsencrypt"}});
  const std::string config = WriteFile("config.json", R"({"sth_poll_interval": "200ms"})");
  Subscribed run = RunAndSubscribe(config);
  ASSERT_NE(run.reader, nullptr);
  v1::Alert alert;
  ASSERT_TRUE(AwaitForbiddenAlert(run, *log, &alert));
  const std::string seq = std::to_string(alert.seq());
  run.context->TryCancel();
  ASSERT_TRUE(testing::StopsCleanly(*run.monitor));
  const CommandResult listed = Cli({"findings", "--verdict", "forbidden", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<nlohmann::json> forbidden = JsonLines(listed.out);
  ASSERT_EQ(forbidden.size(), 1u) << listed.out;

  const std::string out = dir() + "/bundle";
  const CommandResult written = Cli({"evidence", seq, "--out", out, "--log-list", loglist()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_THAT(written.out, HasSubstr("log entries with their proofs, verified"));
  const nlohmann::json finding =
      nlohmann::json::parse(testing::ReadFileOrEmpty(out + "/finding.json"));
  EXPECT_EQ(finding["verdict"], "forbidden");
  EXPECT_EQ(finding["seq"], forbidden[0]["seq"]);
  const size_t entries = forbidden[0]["entries"].size();
  ASSERT_GE(entries, 1u);
  EXPECT_EQ(FilesStartingWith(out, "proof-").size(), entries);
  EXPECT_EQ(FilesStartingWith(out, "entry-").size(), entries);
  ASSERT_FALSE(FilesStartingWith(out, "head-").empty());
  // The certificate (or precertificate) as logged, with its issuer chain.
  const std::string pem = testing::ReadFileOrEmpty(out + "/certificate.pem") +
                          testing::ReadFileOrEmpty(out + "/precertificate.pem");
  EXPECT_GE(pem.size(), 2 * std::string("-----BEGIN CERTIFICATE-----").size()) << pem;

  const std::vector<std::string> verify = {caawatch(), "evidence",   "verify",
                                           out,        "--log-list", loglist()};
  const CommandResult ours = testing::RunCommand(verify, dir(), absl::Seconds(30));
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_THAT(ours.out, HasSubstr(absl::StrCat("bundle verified: ", entries, " log entries")));
  // finding.json and the PEM files are checked against the proven entries too.
  EXPECT_THAT(ours.out, HasSubstr("finding.json"));
  EXPECT_THAT(ours.out, ::testing::Not(HasSubstr("not checked"))) << ours.out;
  const std::vector<std::string> independent = {
      CAAWATCH_PYTHON3, CAAWATCH_SOURCE_DIR "/tests/evidence/independent_verify.py", out};
  const CommandResult theirs = testing::RunCommand(independent, dir(), absl::Seconds(30));
  EXPECT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
  EXPECT_EQ(theirs.out, absl::StrCat("ok ", entries, "\n"));

  // One byte changed in a proof, then in a head: refused by both, ours naming the file.
  for (const auto& [prefix, field] :
       {std::pair<std::string, std::string>{"proof-", "\"leaf_hash\": \""},
        {"head-", "\"sha256_root_hash\": \""}}) {
    const std::string name = FilesStartingWith(out, prefix).front();
    SCOPED_TRACE(name);
    const std::string original = testing::ReadFileOrEmpty(out + "/" + name);
    FlipByteAfter(out + "/" + name, field);
    const CommandResult changed = testing::RunCommand(verify, dir(), absl::Seconds(30));
    EXPECT_EQ(changed.exit_code, 1);
    EXPECT_THAT(changed.err, HasSubstr(absl::StrCat("caawatch: ", name, ": ")));
    EXPECT_EQ(testing::RunCommand(independent, dir(), absl::Seconds(30)).exit_code, 1);
    std::ofstream(out + "/" + name, std::ios::binary | std::ios::trunc) << original;
  }
  EXPECT_EQ(testing::RunCommand(verify, dir(), absl::Seconds(30)).exit_code, 0);
  // The CAA observations of the window, each DNS answer as received: one byte changed in an
  // answer (its CAA value) is refused naming the file.
  const nlohmann::json caa = nlohmann::json::parse(testing::ReadFileOrEmpty(out + "/caa.json"));
  ASSERT_FALSE(caa["observations"].empty()) << caa.dump();
  const std::vector<std::string> answers = FilesStartingWith(out, "caa-");
  ASSERT_FALSE(answers.empty());
  EXPECT_THAT(ours.out, HasSubstr("DNSSEC status as reported by the validating resolver"));
  for (const std::string& name : answers) EXPECT_THAT(ours.out, HasSubstr(name));
  {
    // The answer that holds a CAA RRset (forbidden.test's issue "pki.goog").
    std::string answer_name;
    for (const nlohmann::json& o : caa["observations"]) {
      if (!o["records"].empty() && o["answer_file"].is_string()) answer_name = o["answer_file"];
    }
    ASSERT_FALSE(answer_name.empty()) << caa.dump();
    const std::string path = out + "/" + answer_name;
    const std::string original = testing::ReadFileOrEmpty(path);
    std::string changed = original;
    const size_t at = changed.find("pki.goog");
    ASSERT_NE(at, std::string::npos);
    changed[at] = 'q';
    std::ofstream(path, std::ios::binary | std::ios::trunc) << changed;
    const CommandResult refused = testing::RunCommand(verify, dir(), absl::Seconds(30));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_THAT(refused.err, HasSubstr(absl::StrCat("caawatch: ", answer_name, ": its CAA RRset")));
    std::ofstream(path, std::ios::binary | std::ios::trunc) << original;
  }
  EXPECT_EQ(testing::RunCommand(verify, dir(), absl::Seconds(30)).exit_code, 0);
  // finding.json naming another certificate (one hex digit of its TBS hash changed) no longer
  // matches the certificate the proven leaves hold.
  {
    const std::string original = testing::ReadFileOrEmpty(out + "/finding.json");
    nlohmann::json changed = nlohmann::json::parse(original);
    std::string tbs = changed["tbs_sha256"];
    tbs[0] = tbs[0] == '0' ? '1' : '0';
    changed["tbs_sha256"] = tbs;
    std::ofstream(out + "/finding.json", std::ios::trunc) << changed.dump();
    const CommandResult refused = testing::RunCommand(verify, dir(), absl::Seconds(30));
    EXPECT_EQ(refused.exit_code, 1);
    EXPECT_THAT(refused.err,
                HasSubstr("caawatch: finding.json: it names the certificate with TBS"));
    std::ofstream(out + "/finding.json", std::ios::trunc) << original;
  }
  EXPECT_EQ(testing::RunCommand(verify, dir(), absl::Seconds(30)).exit_code, 0);
  // The fuzz seeds (scripts/fuzz_seeds.py) are a real bundle: regenerate them with
  // CAAWATCH_KEEP_BUNDLE=tests/testdata/evidence_bundle.
  if (const char* keep = std::getenv("CAAWATCH_KEEP_BUNDLE"); keep != nullptr) {
    std::filesystem::remove_all(keep);
    std::filesystem::copy(out, keep);
  }

  // A second bundle into the same directory is refused: nothing is mixed or overwritten.
  const CommandResult again = Cli({"evidence", seq, "--out", out, "--log-list", loglist()});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err, HasSubstr("exists and is not empty"));
}

// SPEC §8: the proofs are stored when the finding is judged, so the bundle can be written after
// the log has gone away (a log shut down, a shard retired and its URL dead).
TEST_F(EvidenceE2eTest, TheBundleIsWrittenFromStoredProofsAfterTheLogIsGone) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 20, .plants = {"--plant-on-signal", "www.forbidden.test:letsencrypt"}});
  const std::string seq = JudgeForbiddenThenStopTheLog(
      *log, WriteFile("config.json", R"({"sth_poll_interval": "200ms"})"));
  ASSERT_FALSE(seq.empty());

  const std::string out = dir() + "/bundle";
  const CommandResult written = Cli({"evidence", seq, "--out", out, "--log-list", loglist()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_THAT(written.err, ::testing::Not(HasSubstr("proof pending")));
  const CommandResult verified = testing::RunCommand(
      {caawatch(), "evidence", "verify", out, "--log-list", loglist()}, dir(), absl::Seconds(30));
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("bundle verified: 2 log entries"));
  const CommandResult theirs = testing::RunCommand(
      {CAAWATCH_PYTHON3, CAAWATCH_SOURCE_DIR "/tests/evidence/independent_verify.py", out}, dir(),
      absl::Seconds(30));
  EXPECT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
}

// A static-ct-api log has no get-proof-by-hash: the audit paths are computed from its hash
// tiles, and the head is its checkpoint note as served, whose signature both verifiers check.
TEST_F(EvidenceE2eTest, ATiledLogsBundleHoldsTheCheckpointAndProofsFromTiles) {
  Subprocess log({bin() + "/tests/fakes/caawatch_test_log", "--publish", "--seed", "8", "--noise",
                  "300", "--plant-on-signal", "tiled.forbidden.test:letsencrypt", "--tiles-dir",
                  dir() + "/tiles", "--tiled-loglist-out", loglist()},
                 dir());
  bool serving = false;
  for (std::optional<std::string> line; !serving && (line = log.ReadLine(absl::Seconds(120)));) {
    serving = absl::StartsWith(*line, "serving ");
  }
  ASSERT_TRUE(serving) << log.Stderr();
  const std::string seq = JudgeForbiddenThenStopTheLog(
      log, WriteFile("config.json", R"({"sth_poll_interval": "200ms"})"));
  ASSERT_FALSE(seq.empty());

  const std::string out = dir() + "/bundle";
  const CommandResult written = Cli({"evidence", seq, "--out", out, "--log-list", loglist()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  EXPECT_THAT(written.out, HasSubstr("2 log entries with their proofs, verified"));
  const std::vector<std::string> heads = FilesStartingWith(out, "head-");
  ASSERT_EQ(heads.size(), 1u);
  const nlohmann::json head = nlohmann::json::parse(testing::ReadFileOrEmpty(out + "/" + heads[0]));
  ASSERT_TRUE(head.contains("checkpoint")) << head.dump();
  EXPECT_THAT(head["checkpoint"].get<std::string>(), HasSubstr("\n\n\u2014 "));
  const std::vector<std::string> verify = {caawatch(), "evidence",   "verify",
                                           out,        "--log-list", loglist()};
  const CommandResult ours = testing::RunCommand(verify, dir(), absl::Seconds(30));
  EXPECT_EQ(ours.exit_code, 0) << ours.err;
  EXPECT_THAT(ours.out, HasSubstr("bundle verified: 2 log entries"));
  const std::vector<std::string> independent = {
      CAAWATCH_PYTHON3, CAAWATCH_SOURCE_DIR "/tests/evidence/independent_verify.py", out};
  const CommandResult theirs = testing::RunCommand(independent, dir(), absl::Seconds(30));
  EXPECT_EQ(theirs.exit_code, 0) << theirs.out << theirs.err;
  EXPECT_EQ(theirs.out, "ok 2\n");

  // One byte of the note's signature changed: both refuse it, ours naming the head file.
  const std::string original = testing::ReadFileOrEmpty(out + "/" + heads[0]);
  nlohmann::json changed = head;
  std::string note = changed["checkpoint"];
  const size_t sig = note.rfind(' ') + 12;
  note[sig] = note[sig] == 'A' ? 'B' : 'A';
  changed["checkpoint"] = note;
  std::ofstream(out + "/" + heads[0], std::ios::trunc)
      << changed.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
  const CommandResult refused = testing::RunCommand(verify, dir(), absl::Seconds(30));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_THAT(refused.err, HasSubstr(absl::StrCat("caawatch: ", heads[0], ": its checkpoint")));
  EXPECT_EQ(testing::RunCommand(independent, dir(), absl::Seconds(30)).exit_code, 1);
}

// gRPC GetEvidence: the same bundle over the API, one file a message, from the running monitor;
// written into a directory by a real client, `caawatch evidence verify` accepts it.
TEST_F(EvidenceE2eTest, GetEvidenceStreamsABundleThatVerifies) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 20, .plants = {"--plant-on-signal", "www.forbidden.test:letsencrypt"}});
  Subscribed run = RunAndSubscribe(WriteFile("config.json", R"({"sth_poll_interval": "200ms"})"));
  ASSERT_NE(run.reader, nullptr);
  v1::Alert alert;
  ASSERT_TRUE(AwaitForbiddenAlert(run, *log, &alert));

  const std::string out = dir() + "/streamed";
  std::filesystem::create_directories(out);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  v1::GetEvidenceRequest request;
  request.set_seq(alert.seq());
  std::unique_ptr<grpc::ClientReader<v1::EvidenceFile>> files =
      run.stub->GetEvidence(&context, request);
  std::vector<std::string> names;
  for (v1::EvidenceFile file; files->Read(&file);) {
    ASSERT_EQ(file.path().find('/'), std::string::npos) << file.path();
    names.push_back(file.path());
    std::ofstream(out + "/" + file.path(), std::ios::binary) << file.content();
  }
  const grpc::Status status = files->Finish();
  ASSERT_TRUE(status.ok()) << status.error_message();
  EXPECT_THAT(names, ::testing::Contains("finding.json"));
  EXPECT_THAT(names, ::testing::Contains("caa.json"));
  // The reports too, as `caawatch evidence` writes them (listed apart by verify).
  EXPECT_THAT(names, ::testing::Contains("report.txt"));
  EXPECT_THAT(names, ::testing::Contains("report.html"));
  const CommandResult verified = testing::RunCommand(
      {caawatch(), "evidence", "verify", out, "--log-list", loglist()}, dir(), absl::Seconds(30));
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr("bundle verified: 2 log entries"));

  // An unknown finding is NOT_FOUND.
  grpc::ClientContext unknown_context;
  v1::GetEvidenceRequest unknown;
  unknown.set_seq(alert.seq() + 1000);
  std::unique_ptr<grpc::ClientReader<v1::EvidenceFile>> none =
      run.stub->GetEvidence(&unknown_context, unknown);
  v1::EvidenceFile ignored;
  EXPECT_FALSE(none->Read(&ignored));
  EXPECT_EQ(none->Finish().error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace caawatch
