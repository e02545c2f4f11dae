// Witnesses (issue 21, SPEC §9) through `caawatch run` against the tiled test log served by
// nginx, with test witnesses (tests/fakes/test_witness.h) whose cosignatures the log's checkpoint
// carries and whose own latest checkpoints nginx serves as Sunlight's witness does.
//  - Quorum 2 of 3: a head with one cosignature waits (status says so, nothing is judged), with
//    two it counts; a forged cosignature (right name and key ID, wrong signature) is a finding.
//  - Split views: the log shows one witness another tree of the same size, and another witness a
//    larger other tree: each is a log_misbehaviour finding naming the witness with both heads
//    (the larger one once caawatch's tree has grown past it and the proof fails); a witness that
//    only lags behind the honest log is a status, never a finding.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "base/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/static_ct_files.h"
#include "tests/fakes/test_log.h"
#include "tests/fakes/test_witness.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;

constexpr char kOrigin[] = "tiled.caawatch.test/log";

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Replaces `path` atomically, as a witness or a log publishing a checkpoint would.
void WriteText(const std::string& path, const std::string& text) {
  std::filesystem::create_directories(std::filesystem::path(path).parent_path());
  std::ofstream(path + ".tmp", std::ios::trunc) << text;
  std::filesystem::rename(path + ".tmp", path);
}

// j[key] as a string, "" while j is not an object with it (a log or witness not listed yet).
std::string Text(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}
// `text` with the character at `at` replaced by another base64 digit: one byte changed.
std::string OneByteChanged(std::string text, size_t at) {
  text[at] = text[at] == 'A' ? 'B' : 'A';
  return text;
}
// Where the root hash line of a checkpoint note starts (its third line).
size_t RootLine(const std::string& note) { return note.find('\n', note.find('\n') + 1) + 1; }

uint64_t Number(const nlohmann::json& j, const char* key) {
  return j.is_object() && j.contains(key) && j[key].is_number_unsigned() ? j[key].get<uint64_t>()
                                                                         : 0;
}

class WitnessE2eTest : public testing::EndToEndFixture {
 protected:
  // The tiled test log (seed 7), published at start with `plants`; its list is loglist().
  std::unique_ptr<Subprocess> StartTiledLog(std::vector<std::string> plants) {
    plants.insert(plants.end(),
                  {"--tiles-dir", tiles(), "--tiled-loglist-out", dir() + "/tiled.json"});
    auto log = StartLog({.noise = 100, .plants = plants, .loglist_out = dir() + "/unused.json"});
    CombineLogLists({{dir() + "/tiled.json", "tiled log"}});
    const nlohmann::json list = nlohmann::json::parse(std::ifstream(dir() + "/tiled.json"));
    monitoring_url_ = list["operators"][0]["tiled_logs"][0]["monitoring_url"];
    return log;
  }
  std::string tiles() const { return dir() + "/tiles"; }
  std::string checkpoint_path() const { return tiles() + "/log/checkpoint"; }
  // Where nginx serves witness `w`'s files, and the directory they are in.
  std::string WitnessUrl(const fakes::TestWitness& w) const {
    return absl::StrReplaceAll(monitoring_url_, {{"/log/", "/" + w.name() + "/"}});
  }
  std::string WitnessCheckpointFile(const fakes::TestWitness& w) const {
    return tiles() + "/" + w.name() + "/" + fakes::WitnessCheckpointPath(kOrigin);
  }
  std::string WitnessesJson(bool with_urls) const {
    nlohmann::json list = nlohmann::json::array();
    for (const fakes::TestWitness* w : {&w1_, &w2_, &w3_}) {
      nlohmann::json entry = {{"vkey", w->vkey()}};
      if (with_urls) entry["url"] = WitnessUrl(*w);
      list.push_back(entry);
    }
    return list.dump();
  }
  // Findings as `caawatch findings --json` lists them.
  std::vector<nlohmann::json> Findings() const {
    const CommandResult listed = Cli({"findings", "--json"});
    return listed.exit_code == 0 ? JsonLines(listed.out) : std::vector<nlohmann::json>{};
  }
  std::vector<nlohmann::json> Misbehaviour() const {
    std::vector<nlohmann::json> out;
    for (const nlohmann::json& f : Findings()) {
      if (f["kind"] == "log_misbehaviour") out.push_back(f);
    }
    return out;
  }
  // `status --json` lines of the witnesses' views, by witness name.
  std::map<std::string, nlohmann::json> WitnessViews() const {
    std::map<std::string, nlohmann::json> out;
    const CommandResult status = Cli({"status", "--json"});
    if (status.exit_code != 0) return out;
    for (const nlohmann::json& line : JsonLines(status.out)) {
      if (line.contains("witness")) out[line["witness"]] = line;
    }
    return out;
  }
  // `caawatch heads verify-fork` on `finding` (a line of `findings --json`), trusting loglist().
  CommandResult VerifyFork(const nlohmann::json& finding,
                           const std::vector<std::string>& extra) const {
    std::vector<std::string> args = {caawatch(),    "heads",
                                     "verify-fork", WriteFile("finding.json", finding.dump()),
                                     "--log-list",  loglist()};
    args.insert(args.end(), extra.begin(), extra.end());
    return testing::RunCommand(args, dir());
  }
  // Polls `done` every 300 ms for up to a minute, while `monitor` runs.
  template <typename F>
  bool WaitFor(Subprocess& monitor, F done) const {
    for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
         absl::Now() < deadline && monitor.running();) {
      if (done()) return true;
      absl::SleepFor(absl::Milliseconds(300));
    }
    return done();
  }

  std::string monitoring_url_;
  fakes::TestWitness w1_{"w1.caawatch.test", 1};
  fakes::TestWitness w2_{"w2.caawatch.test", 2};
  fakes::TestWitness w3_{"w3.caawatch.test", 3};
};

TEST_F(WitnessE2eTest, AQuorumOfTwoHoldsAHeadWithOneCosignatureAndAForgedOneIsAFinding) {
  auto log = StartTiledLog({"--plant", "witnessed.forbidden.test:letsencrypt"});
  ASSERT_FALSE(monitoring_url_.empty());
  const std::string note = ReadText(checkpoint_path());
  const absl::Time now = absl::Now();
  WriteText(checkpoint_path(), note + w1_.Cosign(note, now));
  const std::string config =
      WriteFile("config.json",
                absl::StrCat(R"({"sth_poll_interval": "300ms", "witnesses": )",
                             WitnessesJson(false), R"(, "witness_quorum": {"tiled log": 2}})"));
  Subprocess monitor(RunArgs({"--config", config, "--grpc-listen",
                              absl::StrCat("127.0.0.1:", testing::FreeTcpPort())}),
                     dir());

  // One cosignature of the two required: the head waits, and `status` says why.
  ASSERT_TRUE(WaitFor(monitor, [&] {
    return !Text(LogsByDescription()["tiled log"], "waiting_for_witnesses").empty();
  })) << monitor.Stderr();
  const nlohmann::json waiting = LogsByDescription()["tiled log"];
  EXPECT_EQ(waiting["verified_size"], 0) << waiting.dump();
  EXPECT_NE(waiting["waiting_for_witnesses"].get<std::string>().find(
                "has 1 of the 2 witness cosignatures required (w1.caawatch.test)"),
            std::string::npos)
      << waiting.dump();
  const CommandResult table = Cli({"status"});
  EXPECT_NE(table.out.find("waiting for witnesses: tiled log: tree size"), std::string::npos)
      << table.out;
  absl::SleepFor(absl::Seconds(1));  // Polls go on; still nothing is judged.
  EXPECT_TRUE(Findings().empty());

  // A second witness cosigns the same checkpoint: the head counts, the certificate is judged.
  WriteText(checkpoint_path(), note + w1_.Cosign(note, now) + w2_.Cosign(note, now));
  ASSERT_TRUE(WaitFor(monitor, [&] {
    const nlohmann::json l = LogsByDescription()["tiled log"];
    return Number(l, "verified_size") > 0 && l["verified_size"] == l["tree_size"] &&
           Text(l, "waiting_for_witnesses").empty() && !Findings().empty();
  })) << monitor.Stderr();
  const std::vector<nlohmann::json> judged = Findings();
  ASSERT_EQ(judged.size(), 1u);
  EXPECT_EQ(judged[0]["watched_names"][0], "witnessed.forbidden.test");
  EXPECT_NE(judged[0]["kind"], "log_misbehaviour") << judged[0].dump();

  // The log now serves a third line in w3's name and key ID whose signature is not w3's.
  WriteText(checkpoint_path(),
            note + w1_.Cosign(note, now) + w2_.Cosign(note, now) + w3_.Forge(note, now));
  ASSERT_TRUE(WaitFor(monitor, [&] { return !Misbehaviour().empty(); })) << monitor.Stderr();
  absl::SleepFor(absl::Seconds(1));  // Seen at every poll: still one finding.
  const std::vector<nlohmann::json> forged = Misbehaviour();
  ASSERT_EQ(forged.size(), 1u);
  EXPECT_EQ(forged[0]["severity"], "warning");
  EXPECT_EQ(forged[0]["evidence"]["kind"], "bad_cosignature") << forged[0].dump();
  EXPECT_EQ(forged[0]["evidence"]["witness"], "w3.caawatch.test");
  EXPECT_NE(forged[0]["evidence"]["checkpoint"].get<std::string>().find(w3_.Forge(note, now)),
            std::string::npos);

  // Offline, with w3's key from the user: the note is the log's, w3's line in it is not w3's.
  const CommandResult proven = VerifyFork(forged[0], {"--witness", w3_.vkey()});
  EXPECT_EQ(proven.exit_code, 0) << proven.out << proven.err;
  EXPECT_NE(proven.out.find("bad cosignature proven: the checkpoint of size"), std::string::npos)
      << proven.out;
  // Without w3's key there is nothing to check it with; another witness's key is not w3's.
  const CommandResult keyless = VerifyFork(forged[0], {"--witness", w1_.vkey()});
  EXPECT_EQ(keyless.exit_code, 2) << keyless.out << keyless.err;
  EXPECT_NE(keyless.err.find("--witness VKEY"), std::string::npos) << keyless.err;
  // w1's honest line is no bad cosignature.
  nlohmann::json honest_line = forged[0];
  honest_line["evidence"]["witness"] = w1_.name();
  const CommandResult valid = VerifyFork(honest_line, {"--witness", w1_.vkey()});
  EXPECT_EQ(valid.exit_code, 1) << valid.out << valid.err;
  EXPECT_NE(valid.err.find("verifies with the key given: no bad cosignature"), std::string::npos)
      << valid.err;
  // One byte changed in the note: the log's signature fails, and the check says so.
  nlohmann::json tampered = forged[0];
  const std::string served = forged[0]["evidence"]["checkpoint"];
  tampered["evidence"]["checkpoint"] = OneByteChanged(served, RootLine(served));
  const CommandResult refused = VerifyFork(tampered, {"--witness", w3_.vkey()});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("head: the note does not verify with the log's key"),
            std::string::npos)
      << refused.err;
  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

TEST_F(WitnessE2eTest, ALogShowingAWitnessAnotherTreeIsASplitViewALaggingWitnessIsNot) {
  // Each SIGUSR1 adds three pairs (six entries) in one publication.
  auto log = StartTiledLog({"--plant-per-signal", "grow#a.allowed.test:letsencrypt",
                            "--plant-per-signal", "grow#b.allowed.test:letsencrypt",
                            "--plant-per-signal", "grow#c.allowed.test:letsencrypt"});
  ASSERT_FALSE(monitoring_url_.empty());
  const std::string honest = ReadText(checkpoint_path());
  const std::vector<std::string> lines = absl::StrSplit(honest, '\n');
  uint64_t size = 0;
  ASSERT_TRUE(lines.size() > 2 && absl::SimpleAtoi(lines[1], &size) && size > 0) << honest;

  // Another tree under the same key (the test log's key derives from its seed, 7): what the log
  // shows w2 (same size) and w3 (five entries more, signed now).
  RealClock clock;
  auto other = fakes::TestLog::Create(&clock, 7);
  ASSERT_TRUE(other.ok()) << other.status();
  for (uint64_t i = 0; i < size + 5; ++i) (*other)->AddRawLeaf({0x42, static_cast<uint8_t>(i)});
  fakes::StaticCtFilesOptions options;
  options.origin = kOrigin;
  const uint64_t now_ms = static_cast<uint64_t>(absl::ToUnixMillis(absl::Now()));
  auto same_size = (*other)->SignTreeHead(size, now_ms, (*other)->RootAt(size));
  auto larger = (*other)->SignTreeHead(size + 5, now_ms, (*other)->RootAt(size + 5));
  ASSERT_TRUE(same_size.ok() && larger.ok());
  const std::string fork = fakes::SignedCheckpointNote(**other, *same_size, options);
  const std::string ahead = fakes::SignedCheckpointNote(**other, *larger, options);
  const absl::Time now = absl::Now();
  WriteText(WitnessCheckpointFile(w1_), honest + w1_.Cosign(honest, now));
  WriteText(WitnessCheckpointFile(w2_), fork + w2_.Cosign(fork, now));
  WriteText(WitnessCheckpointFile(w3_), ahead + w3_.Cosign(ahead, now));

  const std::string config = WriteFile(
      "config.json", absl::StrCat(R"({"sth_poll_interval": "300ms", "witnesses": )",
                                  WitnessesJson(true), R"(, "witness_check_interval": "1s"})"));
  Subprocess monitor(RunArgs({"--config", config, "--grpc-listen",
                              absl::StrCat("127.0.0.1:", testing::FreeTcpPort())}),
                     dir());

  // w2 holds a tree of caawatch's size with another root: a fork, at once. w1 agrees; w3 is
  // ahead, and the log serves no tiles to prove its tree from.
  ASSERT_TRUE(WaitFor(monitor,
                      [&] {
                        std::map<std::string, nlohmann::json> views = WitnessViews();
                        return Text(views["w1.caawatch.test"], "state") == "consistent" &&
                               Text(views["w3.caawatch.test"], "state") == "ahead" &&
                               Misbehaviour().size() == 1;
                      }))
      << monitor.Stderr() << Cli({"status", "--json"}).out;
  std::vector<nlohmann::json> found = Misbehaviour();
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0]["severity"], "critical");
  nlohmann::json evidence = found[0]["evidence"];
  EXPECT_EQ(evidence["kind"], "fork") << evidence.dump();
  EXPECT_EQ(evidence["witness"], "w2.caawatch.test");
  EXPECT_EQ(evidence["head"]["tree_size"], size);
  EXPECT_EQ(evidence["against"]["tree_size"], size);
  EXPECT_NE(evidence["head"]["sha256_root_hash"], evidence["against"]["sha256_root_hash"]);
  EXPECT_EQ(evidence["checkpoint"], fork + w2_.Cosign(fork, now));
  EXPECT_FALSE(Text(evidence["against"], "tree_head_signature").empty());

  // Offline: both heads are the log's, and w2 cosigned the other one.
  CommandResult checked = VerifyFork(found[0], {"--witness", w2_.vkey()});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("fork proven: two heads of size"), std::string::npos) << checked.out;
  EXPECT_NE(checked.out.find("witness w2.caawatch.test cosigned the log's other head"),
            std::string::npos)
      << checked.out;
  // `caawatch evidence SEQ` writes the finding as a bundle; the check takes its directory.
  const std::string bundle = dir() + "/split-view-bundle";
  const CommandResult written =
      Cli({"evidence", std::to_string(found[0]["seq"].get<uint64_t>()), "--out", bundle});
  EXPECT_EQ(written.exit_code, 0) << written.out << written.err;
  EXPECT_NE(written.out.find("check it offline with `caawatch heads verify-fork " + bundle),
            std::string::npos)
      << written.out;
  // A log's misbehaviour is no CA's to answer for: no report to a CA in its bundle.
  EXPECT_NE(written.out.find("no report to a CA: a log_misbehaviour finding"), std::string::npos)
      << written.out;
  EXPECT_FALSE(std::filesystem::exists(bundle + "/report.txt"));
  EXPECT_FALSE(std::filesystem::exists(bundle + "/report.html"));
  const CommandResult bundled = testing::RunCommand(
      {caawatch(), "heads", "verify-fork", bundle, "--log-list", loglist()}, dir());
  EXPECT_EQ(bundled.exit_code, 0) << bundled.out << bundled.err;
  EXPECT_NE(bundled.out.find("fork proven"), std::string::npos) << bundled.out;
  // `evidence verify` proves log entries, of which it has none: it says which check to use.
  const CommandResult entries = testing::RunCommand(
      {caawatch(), "evidence", "verify", bundle, "--log-list", loglist()}, dir());
  EXPECT_EQ(entries.exit_code, 1) << entries.out << entries.err;
  EXPECT_NE(entries.err.find("check it with `caawatch heads verify-fork " + bundle),
            std::string::npos)
      << entries.err;
  // One byte changed in the witness's head, or in caawatch's note: refused, naming which.
  nlohmann::json tampered = found[0];
  const std::string root = evidence["head"]["sha256_root_hash"];
  tampered["evidence"]["head"]["sha256_root_hash"] = OneByteChanged(root, 0);
  CommandResult refused = VerifyFork(tampered, {"--witness", w2_.vkey()});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("head: the note is of another head than the evidence says"),
            std::string::npos)
      << refused.err;
  tampered = found[0];
  const std::string ours = evidence["against"]["checkpoint"];
  tampered["evidence"]["against"]["checkpoint"] = OneByteChanged(ours, RootLine(ours));
  refused = VerifyFork(tampered, {});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("against: the note does not verify with the log's key"),
            std::string::npos)
      << refused.err;

  // The honest log grows past w3's tree (six entries at once): w3's tree would be a prefix of
  // it, which the log's own tiles refute; w1 merely lags behind, which is no finding.
  log->Signal(SIGUSR1);
  ASSERT_TRUE(WaitFor(monitor,
                      [&] {
                        std::map<std::string, nlohmann::json> views = WitnessViews();
                        return Text(views["w1.caawatch.test"], "state") == "lagging" &&
                               Text(views["w3.caawatch.test"], "state") == "inconsistent" &&
                               Misbehaviour().size() == 2;
                      }))
      << monitor.Stderr() << Cli({"status", "--json"}).out;
  absl::SleepFor(absl::Seconds(2));  // Checked again: no new finding.
  found = Misbehaviour();
  ASSERT_EQ(found.size(), 2u);
  evidence = found[1]["evidence"];
  EXPECT_EQ(evidence["kind"], "inconsistent") << evidence.dump();
  EXPECT_EQ(evidence["witness"], "w3.caawatch.test");
  EXPECT_EQ(evidence["head"]["tree_size"], size + 5);
  EXPECT_GT(evidence["against"]["tree_size"].get<uint64_t>(), size + 5);
  EXPECT_FALSE(evidence["consistency"].empty()) << "the proof that failed is evidence";
  checked = VerifyFork(found[1], {"--witness", w3_.vkey()});
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_NE(checked.out.find("inconsistency shown: heads of sizes"), std::string::npos)
      << checked.out;
  EXPECT_NE(checked.out.find("witness w3.caawatch.test cosigned"), std::string::npos)
      << checked.out;
  tampered = found[1];
  const std::string theirs = evidence["checkpoint"];
  tampered["evidence"]["checkpoint"] = OneByteChanged(theirs, RootLine(theirs));
  refused = VerifyFork(tampered, {"--witness", w3_.vkey()});
  EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("head: the note does not verify with the log's key"),
            std::string::npos)
      << refused.err;
  for (const nlohmann::json& f : found) EXPECT_NE(f["evidence"]["witness"], "w1.caawatch.test");
  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

// An RFC 6962 log's STHs carry no cosignatures: a quorum on one would hold it back forever. It
// is an ERROR line naming the log, and the log is read (and judged) without it.
TEST_F(WitnessE2eTest, AQuorumOnAnRfc6962LogIsAnErrorAndDoesNotHoldItBack) {
  auto log = StartLog({.noise = 100, .plants = {"--plant", "sth.forbidden.test:letsencrypt"}});
  const nlohmann::json list = nlohmann::json::parse(std::ifstream(loglist()));
  const std::string url = list["operators"][0]["logs"][0]["url"];
  ASSERT_FALSE(url.empty()) << list.dump();
  const std::string config =
      WriteFile("config.json", absl::StrCat(R"({"witnesses": )", WitnessesJson(false),
                                            R"(, "witness_quorum": {")", url, R"(": 2}})"));
  const CommandResult run =
      testing::RunCommand(RunArgs({"--config", config, "--once"}), dir(), absl::Seconds(60));
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("ERROR"), std::string::npos) << run.err;
  EXPECT_NE(
      run.err.find(absl::StrCat("witness_quorum 2 for ", url, " ignored: it is an RFC 6962 log")),
      std::string::npos)
      << run.err;
  const std::vector<nlohmann::json> judged = Findings();
  ASSERT_EQ(judged.size(), 1u) << run.err;
  EXPECT_EQ(judged[0]["watched_names"][0], "sth.forbidden.test");
  const std::map<std::string, nlohmann::json> logs = LogsByDescription();
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_TRUE(Text(logs.begin()->second, "waiting_for_witnesses").empty());
}

}  // namespace
}  // namespace caawatch
