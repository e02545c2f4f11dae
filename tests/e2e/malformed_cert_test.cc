// Damaged certificates in a validly signed tree (issue 15), end to end: the test CT log serves
// certificates cut short inside their TBSCertificate and certificates that are garbage from the
// first byte, all in a tree whose heads are properly signed; `caawatch run --once` reads it; the
// CLI and the gRPC stream show what a domain owner sees. A certificate whose TBS hash cannot be
// computed is a malformed_cert finding of its own, keyed by its leaf hash: never merged with
// another, alerted as a warning when a readable name is watched, found by `history` under every
// name that could be read; garbage that names nobody readable is recorded, not alerted.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;
using testing::TestLogOptions;

constexpr const char* kTruncated[] = {"a.forbidden.test", "b.forbidden.test", "c.allowed.test"};

// 200 noise certificates, a sound permitted pair, three watched certificates cut short (from
// three CAs) and two garbage entries.
TestLogOptions DamagedLog() {
  return {.noise = 200,
          .plants = {"--plant", "www.allowed.test:letsencrypt", "--plant-truncated",
                     "a.forbidden.test:letsencrypt", "--plant-truncated", "b.forbidden.test:google",
                     "--plant-truncated", "c.allowed.test:digicert", "--plant-garbage", "2"}};
}

const nlohmann::json* Watching(const std::vector<nlohmann::json>& findings,
                               const std::string& name) {
  const nlohmann::json* found = nullptr;
  for (const nlohmann::json& f : findings) {
    if (f["watched_names"] == nlohmann::json::array({name})) {
      EXPECT_EQ(found, nullptr) << "two findings watch " << name;
      found = &f;
    }
  }
  return found;
}

using MalformedCertTest = testing::EndToEndFixture;

TEST_F(MalformedCertTest, DamagedCertificatesNeitherMergeNorVanish) {
  std::unique_ptr<Subprocess> log = StartLog(DamagedLog());
  CommandResult run = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(240));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  CommandResult listed = Cli({"findings", "--verdict", "malformed_cert", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<nlohmann::json> malformed = JsonLines(listed.out);
  ASSERT_EQ(malformed.size(), 5u) << listed.out;  // Three cut short, two garbage: none merged.
  std::set<std::string> leaf_hashes;
  for (const nlohmann::json& f : malformed) {
    EXPECT_EQ(f["kind"], "malformed_cert");
    EXPECT_EQ(f["verdict"], "malformed_cert");
    EXPECT_TRUE(f["tbs_sha256"].is_null()) << f.dump();  // Never a hash of nothing.
    ASSERT_TRUE(f["leaf_hash"].is_string()) << f.dump();
    EXPECT_EQ(f["leaf_hash"].get<std::string>().size(), 64u);
    leaf_hashes.insert(f["leaf_hash"].get<std::string>());
    EXPECT_FALSE(f["parse_error"].get<std::string>().empty()) << f.dump();
    ASSERT_EQ(f["entries"].size(), 1u) << f.dump();
    EXPECT_FALSE(f["entries"][0]["log_url"].is_null());
  }
  EXPECT_EQ(leaf_hashes.size(), 5u);

  for (const char* name : kTruncated) {
    SCOPED_TRACE(name);
    const nlohmann::json* f = Watching(malformed, name);
    ASSERT_NE(f, nullptr) << listed.out;
    EXPECT_EQ((*f)["severity"], "warning");  // Alerted on its own.
    EXPECT_NE((*f)["names"].dump().find(name), std::string::npos);
    EXPECT_NE((*f)["parse_error"].get<std::string>().find("TBSCertificate"), std::string::npos);
    EXPECT_FALSE((*f)["cert_sha256"].is_null());

    // `history` for the name finds it; `cert` by its leaf hash shows it and its stored DER.
    CommandResult history = Cli({"history", name, "--json"});
    ASSERT_EQ(history.exit_code, 0) << history.err;
    const std::vector<nlohmann::json> own = JsonLines(history.out);
    ASSERT_EQ(own.size(), 1u) << history.out;
    EXPECT_EQ(own[0]["leaf_hash"], (*f)["leaf_hash"]);
    CommandResult cert = Cli({"cert", (*f)["leaf_hash"].get<std::string>(), "--json"});
    ASSERT_EQ(cert.exit_code, 0) << cert.err;
    EXPECT_EQ(nlohmann::json::parse(cert.out)["seq"], (*f)["seq"]);
    CommandResult pem = Cli({"cert", (*f)["leaf_hash"].get<std::string>(), "--pem"});
    EXPECT_EQ(pem.exit_code, 0) << pem.err;
    EXPECT_NE(pem.out.find("BEGIN CERTIFICATE"), std::string::npos);
  }
  // Garbage from the first byte names nobody readable: recorded with its log entry, not alerted.
  int garbage = 0;
  for (const nlohmann::json& f : malformed) {
    if (!f["watched_names"].empty()) continue;
    ++garbage;
    EXPECT_EQ(f["severity"], "info") << f.dump();
    EXPECT_TRUE(f["names"].empty()) << f.dump();
  }
  EXPECT_EQ(garbage, 2);

  // The sound certificate is judged as before, and the alerts are exactly the three warnings.
  CommandResult all = Cli({"findings", "--json"});
  ASSERT_EQ(all.exit_code, 0) << all.err;
  const std::vector<nlohmann::json> findings = JsonLines(all.out);
  ASSERT_EQ(findings.size(), 6u) << all.out;
  const nlohmann::json* sound = Watching(findings, "www.allowed.test");
  ASSERT_NE(sound, nullptr);
  EXPECT_EQ((*sound)["kind"], "certificate");
  EXPECT_EQ((*sound)["entries"].size(), 2u);
  EXPECT_EQ(StoredAlertSeqs().size(), 3u);

  // A second pass over the same entries adds nothing (the leaf hash is the key).
  CommandResult again = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  CommandResult after = Cli({"findings", "--json"});
  EXPECT_EQ(after.out, all.out);

  // The gRPC stream delivers the three warnings, each with its leaf hash.
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  std::set<std::string> streamed;
  for (int i = 0; i < 3; ++i) {
    v1::Alert alert;
    ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
    EXPECT_EQ(alert.finding().verdict(), v1::MALFORMED_CERT);
    EXPECT_EQ(alert.finding().severity(), v1::WARNING);
    EXPECT_EQ(alert.finding().leaf_hash().size(), 64u);
    ASSERT_EQ(alert.finding().watched_names_size(), 1);
    streamed.insert(alert.finding().watched_names(0));
  }
  EXPECT_EQ(streamed, std::set<std::string>(std::begin(kTruncated), std::end(kTruncated)));
  context.TryCancel();
  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

// An entry whose MerkleTreeLeaf itself cannot be parsed names nobody readable, but it is in the
// signed tree: its finding is keyed by its leaf hash, and the proof kept with it is the proof of
// that leaf (the evidence bundle checks it against the head), never of a hash of nothing.
TEST_F(MalformedCertTest, UnreadableLeafIsProvenByItsOwnLeafHash) {
  std::unique_ptr<Subprocess> log = StartLog(
      {.noise = 40,
       .plants = {"--plant-truncated", "a.forbidden.test:letsencrypt", "--plant-unreadable", "2"}});
  CommandResult run = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(240));
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.err.find("MerkleTreeLeaf: malformed"), std::string::npos) << run.err;

  CommandResult listed = Cli({"findings", "--verdict", "malformed_cert", "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const std::vector<nlohmann::json> malformed = JsonLines(listed.out);
  ASSERT_EQ(malformed.size(), 3u) << listed.out;  // One cut short, two unreadable leaves.
  std::set<std::string> leaf_hashes;
  int unreadable = 0;
  for (const nlohmann::json& f : malformed) {
    SCOPED_TRACE(f.dump());
    leaf_hashes.insert(f["leaf_hash"].get<std::string>());
    if (f["names"].empty()) ++unreadable;
    ASSERT_EQ(f["entries"].size(), 1u);
    const nlohmann::json& proof = f["entries"][0]["inclusion"];
    ASSERT_TRUE(proof.is_object());
    std::string proven_leaf;
    ASSERT_TRUE(absl::Base64Unescape(proof["leaf_hash"].get<std::string>(), &proven_leaf));
    EXPECT_EQ(absl::BytesToHexString(proven_leaf), f["leaf_hash"].get<std::string>());
  }
  EXPECT_EQ(leaf_hashes.size(), 3u);
  EXPECT_EQ(unreadable, 2);
}

}  // namespace
}  // namespace caawatch
