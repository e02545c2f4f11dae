// caawatch end to end, every part real and in its own process: the test CT log over HTTP (real
// RFC 6962 wire format, signatures and Merkle tree), Knot DNS serving CAA, `caawatch run`, the
// CLI reading the store, and a gRPC client subscribing to alerts.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <cstdlib>
#include <random>

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
using testing::JsonLines;
using testing::Subprocess;
using testing::TestLogOptions;

const nlohmann::json* FindingFor(const std::vector<nlohmann::json>& findings,
                                 const std::string& name) {
  for (const nlohmann::json& f : findings) {
    for (const auto& n : f["watched_names"]) {
      if (n == name) return &f;
    }
  }
  return nullptr;
}

// The log: 3000 noise certificates and a planted pair, one forbidden, one permitted.
TestLogOptions PlantedPair() {
  return {.plants = {"--plant", "www.forbidden.test:letsencrypt", "--plant",
                     "www.allowed.test:letsencrypt"}};
}

using EndToEndTest = testing::EndToEndFixture;

TEST_F(EndToEndTest, ForbiddenIssuanceIsAlertedPermittedIsRecordedAndNothingIsProcessedTwice) {
  std::unique_ptr<Subprocess> log = StartLog(PlantedPair());
  // 1. One pass over the whole log.
  CommandResult run = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(240));
  ASSERT_EQ(run.exit_code, 0) << run.err;

  CommandResult findings = Cli({"findings", "--json"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  const std::vector<nlohmann::json> all = JsonLines(findings.out);
  ASSERT_EQ(all.size(), 2u) << findings.out;  // The planted pair; the noise matches nothing.
  const nlohmann::json* bad = FindingFor(all, "www.forbidden.test");
  const nlohmann::json* good = FindingFor(all, "www.allowed.test");
  ASSERT_NE(bad, nullptr);
  ASSERT_NE(good, nullptr);
  // Logged before caawatch first looked at CAA: judged retrospectively, alerted if forbidden.
  EXPECT_EQ((*bad)["verdict"], "no_data");
  EXPECT_EQ((*bad)["severity"], "warning");
  EXPECT_EQ((*bad)["caa"][0]["relevant_name"], "forbidden.test");
  EXPECT_EQ((*bad)["issuer"]["caa_identifiers"][0], "letsencrypt.org");
  EXPECT_EQ((*good)["severity"], "info");
  // A precertificate and its final certificate are one finding with both entries.
  EXPECT_EQ((*bad)["entries"].size(), 2u);
  EXPECT_FALSE((*bad)["cert_sha256"].is_null());
  EXPECT_FALSE((*bad)["precert_sha256"].is_null());

  CommandResult history = Cli({"history", "forbidden.test", "--subtree", "--json"});
  ASSERT_EQ(history.exit_code, 0) << history.err;
  EXPECT_EQ(JsonLines(history.out).size(), 1u);

  CommandResult status = Cli({"status", "--json"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  const std::vector<nlohmann::json> logs = JsonLines(status.out);
  ASSERT_EQ(logs.size(), 1u);
  EXPECT_EQ(logs[0]["position"], logs[0]["tree_size"]);
  EXPECT_EQ(logs[0]["verified_size"], logs[0]["tree_size"]);

  // 2. A restart processes nothing twice.
  CommandResult again = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(120));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  CommandResult after = Cli({"findings", "--json"});
  EXPECT_EQ(JsonLines(after.out).size(), 2u) << after.out;
  EXPECT_EQ(after.out, findings.out);
}

TEST_F(EndToEndTest, CertificateLoggedWhileRunningIsJudgedByCaaObservedBeforeAndStreamed) {
  TestLogOptions log_options = PlantedPair();
  log_options.plants.push_back("--plant-on-signal");
  log_options.plants.push_back("api.forbidden.test:letsencrypt");
  std::unique_ptr<Subprocess> log = StartLog(log_options);
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());

  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(120));
  v1::SubscribeRequest request;
  auto reader = stub->Subscribe(&context, request);

  // The backlog: only the alert for the pre-existing forbidden certificate, not the info one.
  v1::Alert alert;
  ASSERT_TRUE(reader->Read(&alert));
  EXPECT_EQ(alert.finding().watched_names(0), "www.forbidden.test");
  EXPECT_EQ(alert.finding().severity(), v1::WARNING);
  const uint64_t first_seq = alert.seq();

  // The log grows while caawatch runs: the new certificate is judged by the CAA caawatch
  // observed at start, before its issuance, so it is forbidden, not no_data.
  log->Signal(SIGUSR1);
  ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
  EXPECT_EQ(alert.finding().watched_names(0), "api.forbidden.test");
  EXPECT_EQ(alert.finding().verdict(), v1::FORBIDDEN);
  EXPECT_EQ(alert.finding().severity(), v1::CRITICAL);
  EXPECT_GT(alert.seq(), first_seq);
  context.TryCancel();

  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

TEST_F(EndToEndTest, CaaCheckCommandExitCodeAndJsonVerdictAgree) {
  auto check = [&](const std::string& name, const std::string& issuer) {
    return testing::RunCommand({caawatch(), "caa", "check", name, "--issuer", issuer,
                                "--dns-server", dns_server(), "--dnssec", "off", "--json"},
                               dir());
  };
  const CommandResult forbidden = check("www.forbidden.test", "letsencrypt.org");
  EXPECT_EQ(forbidden.exit_code, 1) << forbidden.err;
  const nlohmann::json f = nlohmann::json::parse(forbidden.out);
  EXPECT_EQ(f["verdict"], "forbidden");
  EXPECT_EQ(f["names"][0]["relevant_name"], "forbidden.test");
  const CommandResult permitted = check("*.forbidden.test", "PKI.goog");
  EXPECT_EQ(permitted.exit_code, 0) << permitted.err;
  EXPECT_EQ(nlohmann::json::parse(permitted.out)["verdict"], "permitted");
  // A name written with U-labels is looked up as its A-label, as certificates carry it
  // (issue 20): xn--bcher-kva.allowed.test has CAA of its own that only Google may use, where
  // the raw UTF-8 name does not exist and the search would reach allowed.test's permission.
  const CommandResult unicode = check(
      "b\xc3\xbc"
      "cher.allowed.test",
      "letsencrypt.org");
  EXPECT_EQ(unicode.exit_code, 1) << unicode.out << unicode.err;
  const nlohmann::json u = nlohmann::json::parse(unicode.out);
  EXPECT_EQ(u["verdict"], "forbidden");
  EXPECT_EQ(u["names"][0]["relevant_name"], "xn--bcher-kva.allowed.test");
  // SC-098 (issue 20): a validationmethods list naming no method forbids; an account and a
  // method restriction make the verdict conditional, and the reason says what they demand.
  const CommandResult methods = check("methods.test", "letsencrypt.org");
  EXPECT_EQ(methods.exit_code, 1) << methods.out << methods.err;
  EXPECT_EQ(nlohmann::json::parse(methods.out)["verdict"], "forbidden");
  const CommandResult account = check("www.account.test", "letsencrypt.org");
  EXPECT_EQ(account.exit_code, 0) << account.out << account.err;
  const nlohmann::json a = nlohmann::json::parse(account.out);
  EXPECT_EQ(a["verdict"], "permitted_conditional");
  EXPECT_THAT(std::string(a["names"][0]["reason"]),
              ::testing::HasSubstr("only the CA account https://acme.test/acct/7 (accounturi)"));
  EXPECT_THAT(std::string(a["names"][0]["reason"]),
              ::testing::HasSubstr("only validation by dns-01 (ACME)"));
  const CommandResult no_caa = check("nothing-here.test", "letsencrypt.org");
  EXPECT_EQ(no_caa.exit_code, 0) << no_caa.err;
  // A server that does not answer: indeterminate, never permitted.
  const CommandResult dead = testing::RunCommand(
      {caawatch(), "caa", "check", "www.forbidden.test", "--issuer", "letsencrypt.org",
       "--dns-server", absl::StrCat("127.0.0.1:", testing::FreeTcpPort()), "--dnssec", "off",
       "--json"},
      dir());
  EXPECT_EQ(dead.exit_code, 2) << dead.err;
  EXPECT_EQ(nlohmann::json::parse(dead.out)["verdict"], "dns_indeterminate");
}

TEST_F(EndToEndTest, InspectPrintsTheIdentitiesOfEveryCertificateInAFile) {
  const char* shared = std::getenv("CAAWATCH_SHARED_DIR");
  ASSERT_NE(shared, nullptr) << "CAAWATCH_SHARED_DIR is not set";
  const std::string pem = std::string(shared) + "/corpus/ct/rfc6962-argon2025/google-com-chain.pem";
  const CommandResult inspect = testing::RunCommand({caawatch(), "inspect", pem, "--json"}, dir());
  ASSERT_EQ(inspect.exit_code, 0) << inspect.err;
  const std::vector<nlohmann::json> certs = JsonLines(inspect.out);
  ASSERT_GE(certs.size(), 2u);
  for (const char* key : {"names", "common_names", "ip_addresses", "issuer", "subject",
                          "not_before", "not_after", "sha256", "tbs_sha256", "precert"}) {
    EXPECT_TRUE(certs[0].contains(key)) << key;
  }
  EXPECT_EQ(certs[0]["sha256"].get<std::string>().size(), 64u);
  const CommandResult missing =
      testing::RunCommand({caawatch(), "inspect", dir() + "/nope.pem"}, dir());
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_NE(missing.err.find("nope.pem"), std::string::npos);
}

// Crash consistency is a property of the design: SIGKILL at random moments during ingestion,
// restart each time, and the findings equal those of an uninterrupted run, seq gapless.
TEST_F(EndToEndTest, RepeatedSigkillDuringIngestionLosesNothingAndRepeatsNothing) {
  std::vector<std::string> plants = {"--batch-cap", "16"};
  constexpr int kPlanted = 300;
  for (int i = 0; i < kPlanted; ++i) {
    plants.push_back("--plant");
    plants.push_back(
        absl::StrCat("h", i, i % 2 == 0 ? ".forbidden.test" : ".allowed.test", ":letsencrypt"));
  }
  std::unique_ptr<Subprocess> log = StartLog({.plants = plants});

  // The reference: one uninterrupted run into its own data directory.
  const std::string reference_dir = dir() + "/reference";
  std::vector<std::string> reference_args = RunArgs({"--once"});
  reference_args[3] = reference_dir;  // --data-dir's value.
  const absl::Time reference_start = absl::Now();
  CommandResult reference = testing::RunCommand(reference_args, dir(), absl::Seconds(300));
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const absl::Duration reference_time = absl::Now() - reference_start;
  CommandResult expected = testing::RunCommand(
      {caawatch(), "findings", "--json", "--limit", "100000", "--data-dir", reference_dir}, dir());
  ASSERT_EQ(expected.exit_code, 0) << expected.err;

  // Kill at random moments: each run lives a random fraction of a 25th of the reference run on
  // average, so the ingestion is spread over at least 20 killed runs.
  std::mt19937_64 random(20261129);
  const int64_t slice_ms =
      std::max<int64_t>(2 * absl::ToInt64Milliseconds(reference_time) / 25, 100);
  int kills = 0;
  int mid_ingestion = 0;
  for (int attempt = 0; attempt < 100 && mid_ingestion < 25; ++attempt) {
    Subprocess run(RunArgs({"--once"}), dir());
    absl::SleepFor(absl::Milliseconds(random() % slice_ms));
    run.Signal(SIGKILL);
    std::optional<int> code = run.Wait(absl::Seconds(30));
    ASSERT_TRUE(code.has_value());
    if (*code == 0) break;  // Finished before the kill: everything is ingested.
    ASSERT_EQ(*code, 128 + SIGKILL) << run.Stderr();
    ++kills;
    // Count the kills that left the log part-way: those are the ones that test recovery.
    // (A kill while the store was being created leaves nothing to report: no progress.)
    const CommandResult status = Cli({"status", "--json"});
    const std::vector<nlohmann::json> logs =
        status.exit_code == 0 ? JsonLines(status.out) : std::vector<nlohmann::json>();
    // `[]` (valid JSON for "no log yet") when the kill came before the first log was tried.
    if (!logs.empty() && logs[0].is_object() && logs[0]["position"].get<uint64_t>() > 0 &&
        logs[0]["position"] < logs[0]["tree_size"]) {
      ++mid_ingestion;
    }
  }
  EXPECT_GE(mid_ingestion, 20) << "of " << kills << " kills";
  CommandResult last = testing::RunCommand(RunArgs({"--once"}), dir(), absl::Seconds(300));
  ASSERT_EQ(last.exit_code, 0) << last.err;
  CommandResult actual = Cli({"findings", "--json", "--limit", "100000"});
  ASSERT_EQ(actual.exit_code, 0) << actual.err;

  // Same findings in the same seq order; only the wall-clock fields may differ.
  auto comparable = [](const std::string& text) {
    std::vector<std::string> out;
    for (nlohmann::json f : JsonLines(text)) {
      f.erase("recorded_at");
      f.erase("caa");
      f.erase("reason");  // Quotes the delay between issuance and the CAA lookup.
      out.push_back(f.dump());
    }
    return out;
  };
  const std::vector<std::string> want = comparable(expected.out);
  const std::vector<std::string> got = comparable(actual.out);
  ASSERT_EQ(want.size(), static_cast<size_t>(kPlanted));
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) ASSERT_EQ(got[i], want[i]) << "finding " << i;
  const std::vector<nlohmann::json> findings = JsonLines(actual.out);
  for (size_t i = 0; i < findings.size(); ++i) {
    ASSERT_EQ(findings[i]["seq"], i + 1) << "seq has a gap or a duplicate at " << i;
    EXPECT_EQ(findings[i]["entries"].size(), 2u) << findings[i].dump();
  }
}

}  // namespace
}  // namespace caawatch
