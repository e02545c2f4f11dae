// The RRSIGs in an evidence bundle's DNS answers, end to end (issue 20): Knot signs the zone
// "test."; `caawatch run` validates DNSSEC anchored at it and judges a Let's Encrypt certificate
// for www.forbidden.test forbidden; `caawatch evidence SEQ` writes the bundle, whose answer for
// forbidden.test holds the RRSIG of its CAA RRset (signer "test"), marked secure in caa.json,
// and `caawatch evidence verify` counts it.
#include <signal.h>

#include <cstdint>
#include <memory>
#include <string>

#include "caa/dns_message.h"
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
using testing::Subprocess;

constexpr uint16_t kTypeRrsig = 46;

class EvidenceRrsigE2eTest : public testing::EndToEndFixture {
 protected:
  EvidenceRrsigE2eTest() { signed_zone_ = true; }
};

TEST_F(EvidenceRrsigE2eTest, TheBundlesSecureAnswerCarriesTheRrsigOfItsCaaRrset) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 50, .plants = {"--plant-on-signal", "www.forbidden.test:letsencrypt"}});
  const std::string config = WriteFile("config.json", R"({"sth_poll_interval": "200ms"})");
  Subscribed run = RunAndSubscribe(config);
  ASSERT_NE(run.reader, nullptr);
  v1::Alert alert;
  ASSERT_TRUE(PublishPlantAndReadAlert(run, *log, &alert));
  ASSERT_EQ(alert.finding().verdict(), v1::FORBIDDEN) << alert.DebugString();
  run.context->TryCancel();
  ASSERT_TRUE(testing::StopsCleanly(*run.monitor));

  const std::string out = dir() + "/bundle";
  const CommandResult written =
      Cli({"evidence", std::to_string(alert.seq()), "--out", out, "--log-list", loglist()});
  ASSERT_EQ(written.exit_code, 0) << written.err;
  const nlohmann::json caa = nlohmann::json::parse(testing::ReadFileOrEmpty(out + "/caa.json"));
  std::string answer_file;
  for (const nlohmann::json& o : caa["observations"]) {
    if (o["name"] == "forbidden.test" && o["answer_file"].is_string()) {
      EXPECT_EQ(o["dnssec"], "secure") << o.dump();
      answer_file = o["answer_file"];
    }
  }
  ASSERT_FALSE(answer_file.empty()) << caa.dump();
  absl::StatusOr<caa::DnsMessage> answer =
      caa::ParseDnsMessage(testing::ReadFileOrEmpty(out + "/" + answer_file));
  ASSERT_TRUE(answer.ok()) << answer.status();
  size_t rrsigs = 0;
  for (const caa::DnsResourceRecord& rr : answer->answers) {
    if (rr.type != kTypeRrsig || rr.name != "forbidden.test") continue;
    ++rrsigs;
    ASSERT_GE(rr.rdata.size(), 24u);
    EXPECT_EQ(rr.rdata.substr(0, 2), std::string("\x01\x01", 2));       // Covers CAA (257).
    EXPECT_EQ(rr.rdata.substr(18, 6), std::string("\x04test\x00", 6));  // Signed by "test.".
  }
  EXPECT_EQ(rrsigs, 1u) << "the bundle's answer carries no RRSIG of its CAA RRset";

  const CommandResult verified = testing::RunCommand(
      {caawatch(), "evidence", "verify", out, "--log-list", loglist()}, dir(), absl::Seconds(30));
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_THAT(verified.out, HasSubstr(answer_file));
  EXPECT_THAT(verified.out, ::testing::ContainsRegex("[1-9][0-9]* carry RRSIGs"));
  log->Signal(SIGTERM);
  EXPECT_TRUE(log->Wait(absl::Seconds(10)).has_value());
}

}  // namespace
}  // namespace caawatch
