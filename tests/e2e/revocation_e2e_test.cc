// Revocation follow-up end to end (issue 20, SPEC §8): a test CA issues a certificate that
// forbidden.test's CAA forbids, with a CRL distribution point on an HTTP server this test
// runs; the certificate is in the test CT log. `caawatch run` follows it: a CRL signed by
// another key is refused and reported (never believed), and once the CA's CRL lists it, the
// revocation is recorded with its date and reason, and `cert` and `findings --json` show the
// time from the first log appearance to revocation; `status` and GetStatus show the follower
// (the refused CRL's URL and reason, the revocation seen), while `run` runs and after.
#include <grpcpp/grpcpp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <signal.h>

#include <filesystem>
#include <memory>
#include <string>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/http_server.h"
#include "tests/fakes/test_crl.h"

namespace caawatch {
namespace {

using testing::CommandResult;
using ::testing::HasSubstr;
using testing::JsonLines;
using testing::Subprocess;

std::vector<uint8_t> Bytes(const std::string& s) { return {s.begin(), s.end()}; }

class RevocationEndToEndTest : public testing::EndToEndFixture {
 protected:
  // Serves crl_ at /ca.crl (404 while empty) and starts the test log with `noise` certificates
  // and, on its first SIGUSR1, a Let's Encrypt certificate for www.forbidden.test whose CRL
  // distribution point is that URL; loads the issuing CA the log wrote (what signs the CRLs).
  // With `distribution_point` false, the certificate has no CRL distribution point.
  void StartCaAndLog(uint64_t noise, bool distribution_point = true) {
    auto server = fakes::HttpServer::Start([this](const fakes::HttpRequest&) {
      absl::MutexLock lock(&mu_);
      fakes::HttpReply reply;
      reply.content_type = "application/pkix-crl";
      if (crl_.empty()) reply.status = 404;
      reply.body = crl_;
      return reply;
    });
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = std::move(*server);
    url_ = absl::StrCat("http://127.0.0.1:", server_->port(), "/ca.crl");
    const std::string ca_dir = dir() + "/crl-ca";
    std::filesystem::create_directories(ca_dir);
    log_ = StartLog({.noise = noise,
                     .plants = {"--plant-with-crl",
                                absl::StrCat("www.forbidden.test:letsencrypt:",
                                             distribution_point ? url_ : "-"),
                                "--crl-ca-out", ca_dir}});
    ca_.der = Bytes(testing::ReadFileOrEmpty(ca_dir + "/ca.der"));
    ca_.cert = fakes::ParseCertificate(ca_.der);
    const std::string key = testing::ReadFileOrEmpty(ca_dir + "/ca.key");
    const auto* key_bytes = reinterpret_cast<const unsigned char*>(key.data());
    ca_.key.reset(d2i_AutoPrivateKey(nullptr, &key_bytes, static_cast<long>(key.size())));
    ASSERT_NE(ca_.cert, nullptr);
    ASSERT_NE(ca_.key, nullptr);
    leaf_ = Bytes(testing::ReadFileOrEmpty(ca_dir + "/leaf.der"));
  }
  // `run --once` before and after the certificate is planted (the first observes
  // forbidden.test's CAA, so the second judges it forbidden and follows it before it exits);
  // `second` gets the second run's result.
  void RunOnceAroundThePlant(const std::vector<std::string>& args, CommandResult* second) {
    const CommandResult first = testing::RunCommand(args, dir(), absl::Seconds(120));
    ASSERT_EQ(first.exit_code, 0) << first.err;
    log_->Signal(SIGUSR1);
    absl::SleepFor(absl::Seconds(1));  // The log publishes it with its next tree head.
    *second = testing::RunCommand(args, dir(), absl::Seconds(120));
    ASSERT_EQ(second->exit_code, 0) << second->err;
  }
  // The planted certificate's finding as `findings --json` shows it; null when there is none.
  nlohmann::json StoredFinding() {
    const CommandResult r = Cli({"findings", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json finding;
    for (const nlohmann::json& f : JsonLines(r.out)) {
      if (f["names"].dump().find("www.forbidden.test") != std::string::npos) finding = f;
    }
    return finding;
  }
  // Serves `made` (a DER CRL) from now on.
  void Serve(const absl::StatusOr<std::string>& made) {
    ASSERT_TRUE(made.ok()) << made.status();
    absl::MutexLock lock(&mu_);
    crl_ = *made;
  }

  absl::Mutex mu_;
  std::string crl_ ABSL_GUARDED_BY(mu_);
  std::unique_ptr<fakes::HttpServer> server_;
  std::string url_;
  std::unique_ptr<Subprocess> log_;
  fakes::TestCa ca_;
  std::vector<uint8_t> leaf_;
};

TEST_F(RevocationEndToEndTest, RevocationIsRecordedAndABadlySignedCrlIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartCaAndLog(/*noise=*/20));
  const fakes::TestCa& ca = ca_;
  const std::vector<uint8_t>& leaf = leaf_;
  auto serve = [&](const fakes::CrlSpec& spec, EVP_PKEY* signer = nullptr) {
    Serve(fakes::MakeCrl(ca, spec, signer));
  };
  // Before anything is revoked, the CA's CRL is signed by someone else: refused.
  fakes::CertificateFactory factory(4242);
  absl::StatusOr<fakes::UniqueEvpPkey> forger = factory.NextKey();
  ASSERT_TRUE(forger.ok());
  const absl::Time start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(
      serve({start - absl::Minutes(1), start + absl::Hours(1), {{leaf, start, 1}}}, forger->get()));

  const std::string config = WriteFile(
      "config.json", R"({"revocation_poll_interval": "200ms", "sth_poll_interval": "200ms"})");
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());
  // Once caawatch tails the log (its first CAA poll is done), the certificate is logged.
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);;) {
    bool tailing = false;
    for (const auto& [description, status] : LogsByDescription()) {
      tailing = tailing || testing::CaughtUp(status);
    }
    if (tailing) break;
    ASSERT_LT(absl::Now(), deadline) << "caawatch never caught up: " << monitor.Stderr();
    absl::SleepFor(absl::Milliseconds(100));
  }
  log_->Signal(SIGUSR1);

  // Polls `caawatch findings --json` until `done` holds for the planted certificate's finding.
  auto await_finding = [&](auto done, const char* what) -> nlohmann::json {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    nlohmann::json last;
    while (absl::Now() < deadline) {
      const CommandResult r = Cli({"findings", "--json"});
      for (const nlohmann::json& f : JsonLines(r.out)) {
        if (f["names"].dump().find("www.forbidden.test") == std::string::npos) continue;
        last = f;
        if (done(f)) return f;
      }
      absl::SleepFor(absl::Milliseconds(200));
    }
    ADD_FAILURE() << "timed out waiting for " << what << "; last: " << last.dump()
                  << "\nmonitor: " << monitor.Stderr();
    return last;
  };
  const nlohmann::json refused = await_finding(
      [](const nlohmann::json& f) {
        return f.contains("revocation") && f["revocation"].contains("last_error") &&
               f["revocation"]["last_error"].is_string();
      },
      "the forged CRL to be refused");
  ASSERT_TRUE(refused.contains("revocation"));
  // Forbidden by CAA (forbidden.test lets only pki.goog issue): followed.
  EXPECT_EQ(refused["verdict"], "forbidden");
  EXPECT_EQ(refused["revocation"]["state"], "following");
  EXPECT_THAT(refused["revocation"]["last_error"].get<std::string>(),
              HasSubstr("signature does not verify"));
  EXPECT_TRUE(refused["revocation"]["revoked_seen_at"].is_null());
  EXPECT_THAT(monitor.Stderr(), HasSubstr("CRL refused, not believed"));
  // `status` says so too, read beside the running monitor: the refused CRL's URL and reason.
  // (The follower's line is written at the end of its round, just after the finding's.)
  const auto follower_json = [&]() -> nlohmann::json {
    const CommandResult r = Cli({"status", "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    for (const nlohmann::json& line : JsonLines(r.out)) {
      if (line.is_object() && line.contains("revocation_follower")) return line;
    }
    return nullptr;
  };
  nlohmann::json follower;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30);;) {
    follower = follower_json();
    if (!follower.is_null() && !follower["last_error"].get<std::string>().empty()) break;
    ASSERT_LT(absl::Now(), deadline) << "no follower error in status: " << follower.dump();
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_EQ(follower["last_error_url"], url_);
  EXPECT_THAT(follower["last_error"].get<std::string>(), HasSubstr("signature does not verify"));
  EXPECT_GE(follower["followed"].get<uint64_t>(), 1u);
  EXPECT_GE(follower["crls_fetched"].get<uint64_t>(), 1u);
  EXPECT_GE(follower["crls_refused"].get<uint64_t>(), 1u);
  EXPECT_EQ(follower["revoked_seen"], 0u);
  const CommandResult status_text = Cli({"status"});
  EXPECT_EQ(status_text.exit_code, 0) << status_text.err;
  EXPECT_THAT(status_text.out, HasSubstr(absl::StrCat("CRL \"", url_, "\"")));
  EXPECT_THAT(status_text.out, HasSubstr("signature does not verify"));

  // The CA revokes it: its own CRL lists the certificate.
  const absl::Time revoked_at = absl::Now();
  const absl::Time served = absl::Now();
  ASSERT_NO_FATAL_FAILURE(
      serve({revoked_at, revoked_at + absl::Hours(1), {{leaf, revoked_at, 1}}}));
  const nlohmann::json revoked = await_finding(
      [](const nlohmann::json& f) {
        return f.contains("revocation") && f["revocation"]["state"] == "revoked";
      },
      "the revocation to be recorded");
  ASSERT_EQ(revoked["revocation"]["state"], "revoked");
  EXPECT_EQ(revoked["revocation"]["reason"], "keyCompromise");
  EXPECT_THAT(revoked["revocation"]["crl_url"].get<std::string>(), HasSubstr("/ca.crl"));
  absl::Time seen;
  std::string parse_error;
  ASSERT_TRUE(absl::ParseTime(absl::RFC3339_full,
                              revoked["revocation"]["revoked_seen_at"].get<std::string>(), &seen,
                              &parse_error))
      << parse_error;
  EXPECT_GE(seen, served - absl::Seconds(1));  // Seen from the new CRL, not believed before.
  EXPECT_GE(revoked["revocation"]["seconds_to_revocation"].get<int64_t>(), 0);
  EXPECT_GE(revoked["revocation"]["seconds_to_seen_revoked"].get<int64_t>(),
            revoked["revocation"]["seconds_to_revocation"].get<int64_t>());

  const CommandResult cert = Cli({"cert", revoked["tbs_sha256"].get<std::string>()});
  EXPECT_EQ(cert.exit_code, 0) << cert.err;
  EXPECT_THAT(cert.out, HasSubstr("revoked:"));
  EXPECT_THAT(cert.out, HasSubstr("keyCompromise"));
  EXPECT_THAT(cert.out, HasSubstr("time to revocation:"));
  // The API says the same (GetCertificate's Finding.revocation).
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  grpc::ClientContext context;
  v1::GetCertificateRequest request;
  request.set_sha256(revoked["cert_sha256"].get<std::string>());
  v1::GetCertificateResponse response;
  const grpc::Status got = stub->GetCertificate(&context, request, &response);
  ASSERT_TRUE(got.ok()) << got.error_message();
  EXPECT_EQ(response.finding().revocation().state(), "revoked");
  EXPECT_EQ(response.finding().revocation().reason(), "keyCompromise");
  EXPECT_EQ(response.finding().revocation().seconds_to_revocation(),
            revoked["revocation"]["seconds_to_revocation"].get<int64_t>());
  // GetStatus has the follower: the revocation seen, and the refused CRL as its last error.
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30);;) {
    grpc::ClientContext status_context;
    v1::GetStatusResponse status;
    const grpc::Status got_status =
        stub->GetStatus(&status_context, v1::GetStatusRequest(), &status);
    ASSERT_TRUE(got_status.ok()) << got_status.error_message();
    if (status.revocation().revoked_seen() == 1) {
      EXPECT_EQ(status.revocation().last_error_url(), url_);
      EXPECT_THAT(status.revocation().last_error(), HasSubstr("signature does not verify"));
      EXPECT_FALSE(status.revocation().round_at().empty());
      break;
    }
    ASSERT_LT(absl::Now(), deadline) << status.DebugString();
    absl::SleepFor(absl::Milliseconds(200));
  }
  EXPECT_TRUE(testing::StopsCleanly(monitor));
  // And after the monitor stopped, from the store alone.
  follower = follower_json();
  ASSERT_FALSE(follower.is_null());
  EXPECT_EQ(follower["revoked_seen"], 1u);
  EXPECT_EQ(follower["last_error_url"], url_);
  EXPECT_THAT(Cli({"status"}).out, HasSubstr("1 seen revoked"));
}

// `run --once` (from cron) follows the revocation too: one round after the catch-up, for the
// forbidden certificate that run found. A partitioned CRL is believed only from the
// distribution point its IDP names.
TEST_F(RevocationEndToEndTest, RunOnceFollowsRevocationAndAPartitionOfOtherCertsIsRefused) {
  ASSERT_NO_FATAL_FAILURE(StartCaAndLog(/*noise=*/0));
  const absl::Time revoked_at = absl::Now();
  // A partition of the CA's CRL for other certificates (its Issuing Distribution Point names
  // another URL) lists it: not believed (RFC 5280 §5.2.5).
  const fakes::CrlSpec spec = {revoked_at - absl::Minutes(1),
                               revoked_at + absl::Hours(1),
                               {{leaf_, revoked_at - absl::Seconds(30), 1}}};
  ASSERT_NO_FATAL_FAILURE(Serve(fakes::MakePartitionedCrl(ca_, spec, {url_ + "?part=2"})));

  // The first run observes forbidden.test's CAA; the certificate is logged after it, so the
  // second run judges it forbidden, and follows its revocation before it exits.
  const std::vector<std::string> args = RunArgs({"--once"});
  CommandResult second;
  ASSERT_NO_FATAL_FAILURE(RunOnceAroundThePlant(args, &second));

  nlohmann::json finding = StoredFinding();
  ASSERT_FALSE(finding.is_null()) << second.err;
  EXPECT_EQ(finding["verdict"], "forbidden") << finding.dump();
  ASSERT_TRUE(finding.contains("revocation")) << finding.dump() << second.err;
  EXPECT_EQ(finding["revocation"]["state"], "following") << finding.dump();
  EXPECT_THAT(finding["revocation"]["last_error"].get<std::string>(),
              HasSubstr("issuing distribution point"))
      << finding.dump();

  // The partition for its own distribution point lists it: the next run records it.
  ASSERT_NO_FATAL_FAILURE(Serve(fakes::MakePartitionedCrl(ca_, spec, {url_})));
  const CommandResult third = testing::RunCommand(args, dir(), absl::Seconds(120));
  ASSERT_EQ(third.exit_code, 0) << third.err;
  finding = StoredFinding();
  ASSERT_TRUE(finding.contains("revocation")) << finding.dump() << second.err;
  EXPECT_EQ(finding["revocation"]["state"], "revoked") << finding.dump();
  EXPECT_EQ(finding["revocation"]["reason"], "keyCompromise");
}

// A certificate without a CRL distribution point is followed through the CRL its issuer
// disclosed in CCADB: the AllCertificateRecords report's "Full CRL Issued By This CA" of the
// CA certificate with the issuer's SKI, imported with `issuers import`.
TEST_F(RevocationEndToEndTest, CertificateWithoutDistributionPointFollowsItsIssuersCcadbCrl) {
  ASSERT_NO_FATAL_FAILURE(StartCaAndLog(/*noise=*/0, /*distribution_point=*/false));
  const ASN1_OCTET_STRING* ski = X509_get0_subject_key_id(ca_.cert.get());
  ASSERT_NE(ski, nullptr);
  const std::string ski_base64 = absl::Base64Escape(absl::string_view(
      reinterpret_cast<const char*>(ASN1_STRING_get0_data(ski)), ASN1_STRING_length(ski)));
  // The report's columns as CCADB spells them (the corpus's AllCertificateRecordsCSVFormat).
  const std::string report =
      WriteFile("AllCertificateRecordsReport.csv",
                absl::StrCat("\"CA Owner\",\"Certificate Record Type\",\"Subject Key Identifier\","
                             "\"Full CRL Issued By This CA\",\"JSON Array of Partitioned CRLs\"\n"
                             "\"Internet Security Research Group\",\"Intermediate Certificate\",\"",
                             ski_base64, "\",\"", url_, "\",\"[]\"\n"));
  const CommandResult imported = Cli({"issuers", "import", report});
  ASSERT_EQ(imported.exit_code, 0) << imported.err << imported.out;

  const absl::Time start = absl::Now();
  ASSERT_NO_FATAL_FAILURE(
      Serve(fakes::MakeCrl(ca_, {start - absl::Minutes(1), start + absl::Hours(1), {}})));
  const std::vector<std::string> args = RunArgs({"--once"});
  CommandResult second;
  ASSERT_NO_FATAL_FAILURE(RunOnceAroundThePlant(args, &second));
  nlohmann::json finding = StoredFinding();
  ASSERT_FALSE(finding.is_null()) << second.err;
  EXPECT_EQ(finding["verdict"], "forbidden") << finding.dump();
  ASSERT_TRUE(finding.contains("revocation")) << finding.dump() << second.err;
  // The disclosed CRL verified and does not list it yet: followed, no error.
  EXPECT_EQ(finding["revocation"]["state"], "following") << finding.dump();
  EXPECT_FALSE(finding["revocation"]["last_error"].is_string()) << finding.dump();

  // The CA revokes it on that CRL: the next run records it.
  const absl::Time revoked_at = absl::Now();
  ASSERT_NO_FATAL_FAILURE(Serve(
      fakes::MakeCrl(ca_, {revoked_at, revoked_at + absl::Hours(1), {{leaf_, revoked_at, 1}}})));
  const CommandResult third = testing::RunCommand(args, dir(), absl::Seconds(120));
  ASSERT_EQ(third.exit_code, 0) << third.err;
  finding = StoredFinding();
  ASSERT_TRUE(finding.contains("revocation")) << finding.dump() << third.err;
  EXPECT_EQ(finding["revocation"]["state"], "revoked") << finding.dump() << third.err;
  EXPECT_EQ(finding["revocation"]["reason"], "keyCompromise");
  EXPECT_EQ(finding["revocation"]["crl_url"], url_);
}

}  // namespace
}  // namespace caawatch
