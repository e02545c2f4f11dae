// `caawatch heads` through the built program: after `run --once` against the RFC 6962 test log
// (served over HTTP in-process, real signatures), it prints the log's latest verified head as a
// signed note that the checkpoint verifier accepts with the log's key, the log's own signature
// kept; `--log` selects a log; no head yet is exit 1.
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "ctlog/checkpoint.h"
#include "ctlog/log_key.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_fixture.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/http_server.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"

namespace caawatch::testing {
namespace {

std::string ReadFileOrDie(const std::string& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

class HeadsCliTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CliFixture::SetUp());
    auto log = fakes::TestLog::Create(&clock_, /*seed=*/31);
    ASSERT_TRUE(log.ok());
    log_ = *std::move(log);
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    ASSERT_TRUE(chain.ok());
    chain_ = *std::move(chain);
    ASSERT_NO_FATAL_FAILURE(Plant(log_.get(), 3, "h"));
    auto server = fakes::TestLogServer::Start(log_.get());
    ASSERT_TRUE(server.ok());
    server_ = *std::move(server);
    ASSERT_TRUE(server_->WriteLogList(dir_ + "/loglist.json").ok());
  }

  // `pairs` precert/final pairs for <prefix><i>.heads.test, then a published head.
  void Plant(fakes::TestLog* log, int pairs, const std::string& prefix) {
    for (int i = 0; i < pairs; ++i) {
      ASSERT_TRUE(fakes::PlantCertificate(
                      log, &factory_, chain_,
                      fakes::LeafFor(absl::StrCat(prefix, i, ".heads.test"), clock_.Now()))
                      .ok());
    }
    ASSERT_TRUE(log->PublishSth().ok());
  }
  // `run --once` then `heads` on the data directory `data`; the heads go to `data`.heads.
  std::string RunAndListHeads(const std::string& data) {
    const CommandResult run = Caawatch({"run", "--once", "--data-dir", data, "--log-list",
                                        dir_ + "/loglist.json", "--watch", "nothing.invalid"});
    EXPECT_EQ(run.exit_code, 0) << run.err;
    const CommandResult heads = Caawatch({"heads", "--data-dir", data});
    EXPECT_EQ(heads.exit_code, 0) << heads.err;
    std::ofstream(data + ".heads") << heads.out;
    return data + ".heads";
  }
  CommandResult Compare(const std::string& data, const std::string& file) {
    const std::string config = dir_ + "/config.json";
    std::ofstream(config) << nlohmann::json{{"log_list", dir_ + "/loglist.json"}}.dump();
    return Caawatch({"heads", "compare", "--config", config, "--data-dir", data, file});
  }

  RealClock clock_;
  fakes::CaChain chain_;
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

// Two caawatch instances shown different trees of the same size by one log (same URL, same key:
// a split view) both find the fork in the other's heads; an instance that saw the honest log at
// a smaller size agrees with the honest one through the log's consistency proof.
TEST_F(HeadsCliTest, HeadsCompareReportsAForkToBothSidesAndNoneForAnHonestPair) {
  const std::string lagging = RunAndListHeads(dir_ + "/lagging");  // The honest tree at 6.
  ASSERT_NO_FATAL_FAILURE(Plant(log_.get(), 2, "more"));
  const std::string honest = RunAndListHeads(dir_ + "/honest");  // The honest tree at 10.
  // The same log (seed 31: the same key and ID) at the same URL shows another tree of 10.
  auto fork = fakes::TestLog::Create(&clock_, /*seed=*/31);
  ASSERT_TRUE(fork.ok());
  ASSERT_NO_FATAL_FAILURE(Plant(fork->get(), 5, "fork"));
  const uint16_t port = server_->port();
  server_.reset();
  auto forked_server = fakes::TestLogServer::Start(fork->get(), {.port = port});
  ASSERT_TRUE(forked_server.ok()) << forked_server.status();
  const std::string forked = RunAndListHeads(dir_ + "/forked");
  forked_server->reset();
  auto back = fakes::TestLogServer::Start(log_.get(), {.port = port});
  ASSERT_TRUE(back.ok()) << back.status();
  server_ = *std::move(back);

  for (const auto& [data, file] :
       {std::pair(dir_ + "/honest", forked), std::pair(dir_ + "/forked", honest)}) {
    const CommandResult compared = Compare(data, file);
    EXPECT_EQ(compared.exit_code, 1) << compared.out << compared.err;
    EXPECT_TRUE(absl::StrContains(compared.out, "caawatch test log (" + server_->url() +
                                                    "): FORK: two signed heads of the same size"))
        << compared.out;
    EXPECT_TRUE(absl::StrContains(compared.out, "theirs size 10 root ")) << compared.out;
    EXPECT_TRUE(absl::StrContains(compared.out, "ours size 10 root ")) << compared.out;
  }
  for (const auto& [data, file] :
       {std::pair(dir_ + "/honest", lagging), std::pair(dir_ + "/lagging", honest),
        std::pair(dir_ + "/honest", honest)}) {
    const CommandResult compared = Compare(data, file);
    EXPECT_EQ(compared.exit_code, 0) << compared.out << compared.err;
    EXPECT_FALSE(absl::StrContains(compared.out, "FORK")) << compared.out;
  }
  EXPECT_TRUE(absl::StrContains(Compare(dir_ + "/lagging", honest).out,
                                ": consistent (theirs "
                                "size 10"));
  // Of different sizes: the honest log has no proof that the forked tree extends the lagging one.
  const CommandResult grown_fork = Compare(dir_ + "/lagging", forked);
  EXPECT_EQ(grown_fork.exit_code, 1) << grown_fork.out << grown_fork.err;
  EXPECT_TRUE(absl::StrContains(grown_fork.out, "FORK: no valid consistency proof (theirs size 10"))
      << grown_fork.out;
  // The same heads published over HTTP.
  const std::string published = ReadFileOrDie(forked);
  auto web = fakes::HttpServer::Start([&](const fakes::HttpRequest& request) {
    fakes::HttpReply reply;
    reply.content_type = "text/plain";
    reply.status = request.path == "/heads" ? 200 : 404;
    reply.body = reply.status == 200 ? published : "";
    return reply;
  });
  ASSERT_TRUE(web.ok());
  const std::string url = absl::StrCat("http://127.0.0.1:", (*web)->port());
  const CommandResult by_url = Compare(dir_ + "/honest", url + "/heads");
  EXPECT_EQ(by_url.exit_code, 1) << by_url.out << by_url.err;
  EXPECT_TRUE(absl::StrContains(by_url.out, "FORK: two signed heads")) << by_url.out;
  const CommandResult missing = Compare(dir_ + "/honest", url + "/nothing");
  EXPECT_NE(missing.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(missing.err, "HTTP 404")) << missing.err;
  // A note the log did not sign is not evidence of anything.
  std::string tampered = ReadFileOrDie(honest);
  tampered[tampered.find('\n') + 1] = '9';  // Size 10 -> 90.
  std::ofstream(dir_ + "/tampered.heads") << tampered;
  const CommandResult forged = Compare(dir_ + "/honest", dir_ + "/tampered.heads");
  EXPECT_EQ(forged.exit_code, 0) << forged.out;
  EXPECT_TRUE(absl::StrContains(forged.out, "head not signed by the log, ignored")) << forged.out;
}

}  // namespace
}  // namespace caawatch::testing
