// `caawatch heads` through the built program: after `run --once` against the RFC 6962 test log
// (served over HTTP in-process, real signatures), it prints the log's latest verified head as a
// signed note that the checkpoint verifier accepts with the log's key, the log's own signature
// kept; `--log` selects a log; no head yet is exit 1.
#include <memory>
#include <string>

#include "absl/strings/match.h"
#include "base/clock.h"
#include "ctlog/checkpoint.h"
#include "ctlog/log_key.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_fixture.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"

namespace caawatch::testing {
namespace {

class HeadsCliTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CliFixture::SetUp());
    auto log = fakes::TestLog::Create(&clock_, /*seed=*/31);
    ASSERT_TRUE(log.ok());
    log_ = *std::move(log);
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    ASSERT_TRUE(chain.ok());
    for (int i = 0; i < 3; ++i) {
      ASSERT_TRUE(fakes::PlantCertificate(log_.get(), &factory_, *chain,
                                          fakes::LeafFor("h.heads.test", clock_.Now()))
                      .ok());
    }
    ASSERT_TRUE(log_->PublishSth().ok());
    auto server = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(server.ok());
    server_ = *std::move(server);
    ASSERT_TRUE(server_->WriteLogList(dir_ + "/loglist.json").ok());
  }

  RealClock clock_;
  fakes::CertificateFactory factory_{31};
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
};

TEST_F(HeadsCliTest, PrintsTheLatestVerifiedHeadAsANoteTheLogsKeyVerifies) {
  const CommandResult none = Caawatch({"heads", "--data-dir", data_dir_});
  EXPECT_NE(none.exit_code, 0);
  const CommandResult run = Caawatch({"run", "--once", "--data-dir", data_dir_, "--log-list",
                                      dir_ + "/loglist.json", "--watch", "nothing.invalid"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CommandResult heads = Caawatch({"heads", "--data-dir", data_dir_});
  ASSERT_EQ(heads.exit_code, 0) << heads.err;
  const std::string origin = ctlog::CheckpointOrigin(server_->url());
  auto key = ctlog::LogKey::FromDer(log_->public_key_der());
  ASSERT_TRUE(key.ok());
  auto verified = ctlog::VerifyCheckpoint(heads.out, *key, origin);
  ASSERT_TRUE(verified.ok()) << verified.status() << "\n" << heads.out;
  const ctlog::SignedTreeHead sth = log_->LatestSth();
  EXPECT_EQ(verified->sth.tree_size, 6u);
  EXPECT_EQ(verified->sth.root_hash, sth.root_hash);
  EXPECT_EQ(verified->sth.signature, sth.signature);  // The log's own signature, kept.

  const CommandResult json = Caawatch({"heads", "--data-dir", data_dir_, "--json"});
  ASSERT_EQ(json.exit_code, 0) << json.err;
  const nlohmann::json line = nlohmann::json::parse(json.out);
  EXPECT_EQ(line["tree_size"], 6);
  EXPECT_EQ(line["log_url"], server_->url());
  EXPECT_EQ(line["note"], heads.out);

  EXPECT_EQ(Caawatch({"heads", "--data-dir", data_dir_, "--log", server_->url()}).out, heads.out);
  const CommandResult other =
      Caawatch({"heads", "--data-dir", data_dir_, "--log", "https://other.example/"});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_TRUE(absl::StrContains(other.err, "no verified head of that log")) << other.err;
}

}  // namespace
}  // namespace caawatch::testing
