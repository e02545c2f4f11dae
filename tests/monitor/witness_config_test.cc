// The witness keys of the configuration (issue 21): `witnesses` takes each witness's cosigner
// vkey as witnesses publish it (and its monitoring prefix), `witness_quorum` how many of them a
// log's heads need; mistakes are refused naming the entry, and each log gets its own policy.
#include "monitor/witness_config.h"

#include <string>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "monitor/config.h"

namespace caawatch::monitor {
namespace {

using ::testing::HasSubstr;

// Sunlight's test witness and mirror (tests/ctlog/cosignature_test.cc verifies their
// cosignatures on real checkpoints).
constexpr char kWitness[] =
    "witness.example.org+b8a2cf20+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN";
constexpr char kMirror[] =
    "mirror.example.org+3fb148ef+BAAjjch9GyYz0sJsJx7ALhbdAtz2ov0unbzSl1vMp94O";

std::string Config(const std::string& witnesses, const std::string& quorum = "{}") {
  return R"({"witnesses": )" + witnesses + R"(, "witness_quorum": )" + quorum + "}";
}

TEST(WitnessConfigTest, WitnessesAndAQuorumPerLog) {
  absl::StatusOr<MonitorConfig> config = ParseConfig(
      Config(std::string(R"([{"vkey": ")") + kWitness +
                 R"(", "url": "https://witness.example.org"}, {"vkey": ")" + kMirror + R"("}])",
             R"({"https://tiled.example/2026h1/": 2, "Log Two": 1})"),
      MonitorConfig());
  ASSERT_TRUE(config.ok()) << config.status();
  ASSERT_EQ(config->witnesses.size(), 2u);
  EXPECT_EQ(config->witnesses[0].cosigner.name, "witness.example.org");
  EXPECT_EQ(config->witnesses[0].monitoring_url, "https://witness.example.org/");
  EXPECT_EQ(config->witnesses[1].cosigner.name, "mirror.example.org");
  EXPECT_EQ(config->witnesses[1].monitoring_url, "");

  ctlog::LogInfo tiled;
  tiled.url = "https://tiled.example/2026h1";  // Without the final slash: the same log.
  tiled.submission_url = "https://submit.example/2026h1/";
  EXPECT_EQ(WitnessPolicyFor(config->witnesses, config->witness_quorum, tiled).quorum, 2u);
  ctlog::LogInfo two;
  two.url = "https://two.example/";
  two.description = "Log Two";
  EXPECT_EQ(WitnessPolicyFor(config->witnesses, config->witness_quorum, two).quorum, 1u);
  ctlog::LogInfo other;
  other.url = "https://other.example/";
  const ctlog::WitnessPolicy none =
      WitnessPolicyFor(config->witnesses, config->witness_quorum, other);
  EXPECT_EQ(none.quorum, 0u);
  EXPECT_EQ(none.witnesses.size(), 2u) << "cosignatures are checked on every log";

  // By checkpoint origin, as c2sp.org/tlog-policy names logs.
  config = ParseConfig(Config(std::string(R"([{"vkey": ")") + kWitness + R"("}])",
                              R"({"submit.example/2026h1": 1})"),
                       MonitorConfig());
  ASSERT_TRUE(config.ok()) << config.status();
  EXPECT_EQ(WitnessPolicyFor(config->witnesses, config->witness_quorum, tiled).quorum, 1u);

  // None by default.
  EXPECT_TRUE(MonitorConfig().witnesses.empty());
  EXPECT_TRUE(MonitorConfig().witness_quorum.empty());
}

TEST(WitnessConfigTest, MistakesAreRefusedNamingTheEntry) {
  const std::string w = std::string(R"({"vkey": ")") + kWitness + R"("})";
  const struct {
    std::string json;
    std::string says;
  } cases[] = {
      {Config(
           R"([{"vkey": "witness.example.org+b8a2cf21+BFLN3yikSfFkVAJtrnh/CiY3Zozkoy7clp+P7XB28qUN"}])"),
       "witnesses[0].vkey: witness key"},
      {Config(R"([{"url": "https://w.example/"}])"), "witnesses[0].vkey: missing"},
      {Config(R"([{"vkey": "x", "name": "w"}])"), "witnesses[0].name: unknown key"},
      {Config("[" + w + ", " + w + "]"), "witnesses[1].vkey: witness \"witness.example.org\""},
      {Config(std::string(R"([{"vkey": ")") + kWitness + R"(", "url": "ftp://w.example/"}])"),
       "not an http(s) URL"},
      {Config("{}"), "witnesses: want an array"},
      {Config("[" + w + "]", R"({"Log": 2})"), "needs 2 witnesses, and 1 are configured"},
      {Config("[" + w + "]", R"({"Log": 0})"), "want a number of witnesses from 1"},
      {Config("[" + w + "]", R"({"Log": "2"})"), "want a number of witnesses from 1"},
      {Config("[" + w + "]", "[]"), "witness_quorum: want an object"},
      {R"({"witness_check_interval": "0s"})", "witness_check_interval: want a positive"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.json);
    const absl::StatusOr<MonitorConfig> config = ParseConfig(c.json, MonitorConfig());
    ASSERT_FALSE(config.ok());
    EXPECT_EQ(config.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_THAT(config.status().message(), HasSubstr(c.says));
  }
}

}  // namespace
}  // namespace caawatch::monitor
