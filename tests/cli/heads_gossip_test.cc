// Gossip between two running monitors (SPEC §9, issue 21) through the built program: two
// `caawatch run` instances that verified different trees of one log (the same URL and key: a
// split view), each configured with the other's gRPC address as a heads peer, BOTH store one
// log_misbehaviour finding with the two signed heads, however many times they compare, and
// `heads verify-fork` proves it offline; two honest instances store none. `heads compare
// grpc://ADDR` reads a running monitor's heads over gRPC.
#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "base/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/cli/cli_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/certificate_factory.h"
#include "tests/fakes/test_log_server.h"
#include "tests/fakes/test_population.h"

namespace caawatch::testing {
namespace {

class HeadsGossipTest : public CliFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(CliFixture::SetUp());
    auto chain = fakes::MakeCaChain(&factory_, fakes::CaBrand::kLetsEncrypt, clock_.Now());
    ASSERT_TRUE(chain.ok());
    chain_ = *std::move(chain);
    auto log = fakes::TestLog::Create(&clock_, /*seed=*/31);
    ASSERT_TRUE(log.ok());
    log_ = *std::move(log);
    ASSERT_NO_FATAL_FAILURE(Plant(log_.get(), 3, "h"));
    ASSERT_NO_FATAL_FAILURE(Serve(log_.get()));
    ASSERT_TRUE(server_->WriteLogList(dir_ + "/loglist.json").ok());
    port_ = server_->port();
  }

  void Plant(fakes::TestLog* log, int pairs, const std::string& prefix) {
    for (int i = 0; i < pairs; ++i) {
      ASSERT_TRUE(fakes::PlantCertificate(
                      log, &factory_, chain_,
                      fakes::LeafFor(absl::StrCat(prefix, i, ".gossip.test"), clock_.Now()))
                      .ok());
    }
    ASSERT_TRUE(log->PublishSth().ok());
  }
  // Serves `log` at the log list's URL (port_ once known); nullptr serves nothing there.
  void Serve(fakes::TestLog* log) {
    server_.reset();
    if (log == nullptr) return;
    auto server = fakes::TestLogServer::Start(log, {.port = port_});
    ASSERT_TRUE(server.ok()) << server.status();
    server_ = *std::move(server);
  }
  void RunOnce(const std::string& data) {
    const CommandResult run = Caawatch({"run", "--once", "--data-dir", data, "--log-list",
                                        dir_ + "/loglist.json", "--watch", "nothing.invalid"});
    ASSERT_EQ(run.exit_code, 0) << run.err;
  }
  // `caawatch run` on `data`, serving gRPC on `port`, comparing heads with grpc://`peer_port`
  // every second.
  std::unique_ptr<Subprocess> Monitor(const std::string& data, int port, int peer_port) {
    const std::string config = absl::StrCat(data, ".json");
    std::ofstream(config) << nlohmann::json{
        {"data_dir", data},
        {"log_list", dir_ + "/loglist.json"},
        {"watch", {"nothing.invalid"}},
        {"grpc_listen", absl::StrCat("127.0.0.1:", port)},
        {"heads_peers", {absl::StrCat("grpc://127.0.0.1:", peer_port)}},
        {"heads_peer_interval",
         "1s"}}.dump();
    return std::make_unique<Subprocess>(
        std::vector<std::string>{CAAWATCH_BINARY_DIR "/cli/caawatch", "run", "--config", config},
        dir_);
  }
  // Waits (60 s at most) until `monitor` has logged `text` `times` times.
  static bool Logged(Subprocess& monitor, const std::string& text, int times = 1) {
    const absl::Time deadline = absl::Now() + absl::Seconds(60);
    while (absl::Now() < deadline && monitor.running()) {
      const std::string err = monitor.Stderr();
      int seen = 0;
      for (size_t at = err.find(text); at != std::string::npos; at = err.find(text, at + 1)) {
        ++seen;
      }
      if (seen >= times) return true;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "never logged " << text << " " << times << " times:\n" << monitor.Stderr();
    return false;
  }
  // The log_misbehaviour findings in `data`, as `findings --json` prints them.
  std::vector<std::string> Misbehaviour(const std::string& data) {
    const CommandResult listed =
        Caawatch({"findings", "--data-dir", data, "--verdict", "log_misbehaviour", "--json"});
    EXPECT_EQ(listed.exit_code, 0) << listed.err;
    std::vector<std::string> out;
    size_t start = 0;
    for (size_t end; (end = listed.out.find('\n', start)) != std::string::npos; start = end + 1) {
      if (end > start) out.push_back(listed.out.substr(start, end - start));
    }
    return out;
  }

  RealClock clock_;
  fakes::CaChain chain_;
  fakes::CertificateFactory factory_{31};
  std::unique_ptr<fakes::TestLog> log_;
  std::unique_ptr<fakes::TestLogServer> server_;
  uint16_t port_ = 0;
};

TEST_F(HeadsGossipTest, TwoMonitorsOnAForkedLogEachStoreTheForkOnceAndHonestOnesNone) {
  ASSERT_NO_FATAL_FAILURE(RunOnce(dir_ + "/lagging"));  // The honest tree at 6.
  ASSERT_NO_FATAL_FAILURE(Plant(log_.get(), 2, "more"));
  ASSERT_NO_FATAL_FAILURE(RunOnce(dir_ + "/honest"));  // The honest tree at 10.
  // The same log (seed 31: the same key and ID) at the same URL shows another tree of 10.
  auto fork = fakes::TestLog::Create(&clock_, /*seed=*/31);
  ASSERT_TRUE(fork.ok());
  ASSERT_NO_FATAL_FAILURE(Plant(fork->get(), 5, "fork"));
  ASSERT_NO_FATAL_FAILURE(Serve(fork->get()));
  ASSERT_NO_FATAL_FAILURE(RunOnce(dir_ + "/forked"));
  // Nothing serves the log now: what either monitor finds, it finds in the other's heads.
  ASSERT_NO_FATAL_FAILURE(Serve(nullptr));

  const int honest_port = FreeTcpPort();
  const int forked_port = FreeTcpPort();
  {
    std::unique_ptr<Subprocess> honest = Monitor(dir_ + "/honest", honest_port, forked_port);
    std::unique_ptr<Subprocess> forked = Monitor(dir_ + "/forked", forked_port, honest_port);
    // A round that stored the fork, then one that found it again: still one finding.
    for (Subprocess* monitor : {honest.get(), forked.get()}) {
      ASSERT_TRUE(Logged(*monitor, "1 forks (1 new)"));
      ASSERT_TRUE(Logged(*monitor, "1 forks (0 new)"));
    }
    const CommandResult compared = Caawatch({"heads", "compare", "--config", dir_ + "/honest.json",
                                             absl::StrCat("grpc://127.0.0.1:", forked_port)});
    EXPECT_EQ(compared.exit_code, 1) << compared.out << compared.err;
    EXPECT_TRUE(absl::StrContains(compared.out, "FORK: two signed heads of the same size"))
        << compared.out;
    honest->Signal(SIGTERM);
    forked->Signal(SIGTERM);
    EXPECT_EQ(honest->Wait(absl::Seconds(30)), 0) << honest->Stderr();
    EXPECT_EQ(forked->Wait(absl::Seconds(30)), 0) << forked->Stderr();
  }
  for (const std::string side : {"honest", "forked"}) {
    const std::vector<std::string> found = Misbehaviour(dir_ + "/" + side);
    ASSERT_EQ(found.size(), 1u) << side;
    const nlohmann::json finding = nlohmann::json::parse(found[0]);
    EXPECT_EQ(finding["severity"], "critical");
    EXPECT_EQ(finding["evidence"]["kind"], "fork");
    EXPECT_EQ(finding["evidence"]["head"]["tree_size"], 10);
    EXPECT_EQ(finding["evidence"]["against"]["tree_size"], 10);
    const std::string file = absl::StrCat(dir_, "/", side, ".finding.json");
    std::ofstream(file) << found[0];
    const CommandResult verified =
        Caawatch({"heads", "verify-fork", file, "--log-list", dir_ + "/loglist.json"});
    EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
    EXPECT_TRUE(absl::StrContains(verified.out, "fork proven: two heads of size 10"))
        << verified.out;
    // Our own head twice is no fork: the check reads the notes, not the evidence's word.
    nlohmann::json forged = finding;
    forged["evidence"]["checkpoint"] = finding["evidence"]["against"]["checkpoint"];
    forged["evidence"]["head"] = finding["evidence"]["against"];
    std::ofstream(file) << forged.dump();
    const CommandResult refused =
        Caawatch({"heads", "verify-fork", file, "--log-list", dir_ + "/loglist.json"});
    EXPECT_EQ(refused.exit_code, 1) << refused.out << refused.err;
    EXPECT_TRUE(absl::StrContains(refused.err, "no fork")) << refused.err;
  }

  // Two honest monitors, one behind: the log proves them consistent, and nothing is stored.
  ASSERT_NO_FATAL_FAILURE(Serve(log_.get()));
  ASSERT_NO_FATAL_FAILURE(RunOnce(dir_ + "/honest2"));
  {
    std::unique_ptr<Subprocess> honest = Monitor(dir_ + "/honest2", honest_port, forked_port);
    std::unique_ptr<Subprocess> lagging = Monitor(dir_ + "/lagging", forked_port, honest_port);
    for (Subprocess* monitor : {honest.get(), lagging.get()}) {
      ASSERT_TRUE(Logged(*monitor, "1 compared, 0 forks (0 new), 0 unchecked", 2));
    }
  }
  EXPECT_TRUE(Misbehaviour(dir_ + "/honest2").empty());
  EXPECT_TRUE(Misbehaviour(dir_ + "/lagging").empty());
}

}  // namespace
}  // namespace caawatch::testing
