// /metrics (issue 19, SPEC §7): `caawatch run --metrics-listen` tails the test log and serves
// the Prometheus text format, which promtool accepts and whose values are what `caawatch
// status` and `caawatch findings` say; a real Prometheus server scrapes it and answers a query
// for the lag series; a non-loopback address without TLS is refused; the README's example alert
// rules are valid rules.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/metrics_scrape.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/self_signed_tls.h"

// Last: it includes <netdb.h>, whose NO_DATA macro would rename the API's Verdict NO_DATA.
#include <httplib.h>  // NOLINT(build/include_order)

namespace caawatch {
namespace {

using testing::CommandResult;
using testing::HttpGet;
using testing::RunCommand;
using testing::Samples;
using testing::Subprocess;

using MetricsTest = testing::EndToEndFixture;

// REV of `--version`'s "caawatch VERSION (revision REV)".
std::string RevisionOf(absl::string_view version_line) {
  const size_t start = version_line.find("(revision ");
  const size_t end = version_line.find(')', start);
  if (start == absl::string_view::npos || end == absl::string_view::npos) return "";
  const size_t from = start + std::string_view("(revision ").size();
  return std::string(version_line.substr(from, end - from));
}

// `command` run by sh -c, for promtool's standard input.
CommandResult Shell(const std::string& command, const std::string& dir) {
  return RunCommand({"/bin/sh", "-c", command}, dir, absl::Seconds(60));
}

TEST_F(MetricsTest, ScrapeAgreesWithStatusAndFindingsAndPrometheusQueriesIt) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 60,
                .plants = {"--plant", "www.forbidden.test:letsencrypt", "--plant",
                           "www.allowed.test:letsencrypt"}});
  const int port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--metrics-listen", absl::StrCat("127.0.0.1:", port), "--grpc-listen",
               absl::StrCat("127.0.0.1:", testing::FreeTcpPort()), "--script", "/bin/true"}),
      dir());
  const std::string sink = "{sink=\"script /bin/true\"}";
  // Caught up (status), and the scrape shows the same position: both read the store.
  std::map<std::string, double> samples;
  nlohmann::json status;
  std::string text;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  for (;;) {
    ASSERT_LT(absl::Now(), deadline) << "not caught up with /metrics matching\n"
                                     << text << monitor.Stderr();
    ASSERT_TRUE(monitor.running()) << monitor.Stderr();
    status = LogsByDescription()["caawatch test log"];
    std::optional<std::string> scraped = HttpGet(port, "/metrics");
    if (scraped && testing::CaughtUp(status)) {
      text = *scraped;
      samples = Samples(text);
      const std::string position =
          absl::StrCat("caawatch_log_position{log=\"", status["url"].get<std::string>(), "\"}");
      // And the sink has delivered both findings.
      if (samples[position] == status["position"].get<double>() &&
          samples["caawatch_notify_delivered_total" + sink] == 2) {
        break;
      }
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  const std::string log_label = absl::StrCat("{log=\"", status["url"].get<std::string>(), "\"}");
  EXPECT_EQ(samples["caawatch_log_tree_size" + log_label], status["tree_size"].get<double>());
  EXPECT_EQ(samples["caawatch_log_verified_tree_size" + log_label],
            status["verified_size"].get<double>());
  EXPECT_EQ(samples["caawatch_log_lag_entries" + log_label], 0);
  EXPECT_GT(samples["caawatch_log_entries_processed_total" + log_label], 60);
  EXPECT_EQ(samples["caawatch_watched_names"], 2);
  // The heap as tcmalloc splits it: what caawatch holds is part of what is resident.
  const double heap_in_use = samples["caawatch_heap_bytes{state=\"in_use\"}"];
  EXPECT_GT(heap_in_use, 1 << 20) << text;
  EXPECT_LT(heap_in_use, static_cast<double>(
                             testing::ProcStatusNumber(monitor.pid(), "VmRSS").value_or(0) * 1024))
      << text;
  for (const char* state : {"free_small", "free_pages", "released"}) {
    EXPECT_EQ(samples.count(absl::StrCat("caawatch_heap_bytes{state=\"", state, "\"}")), 1u)
        << state << "\n"
        << text;
  }
  // The build the program names: `--version` says "caawatch VERSION (revision REV)".
  const CommandResult version = RunCommand({caawatch(), "--version"}, dir(), absl::Seconds(30));
  ASSERT_EQ(version.exit_code, 0) << version.err;
  EXPECT_EQ(samples.count(absl::StrCat("caawatch_build_info{version=\"", CAAWATCH_TEST_VERSION,
                                       "\",revision=\"", RevisionOf(version.out), "\"}")),
            1u)
      << text << version.out;
  double lookups = 0;
  for (const auto& [series, value] : samples) {
    if (absl::StartsWith(series, "caawatch_caa_lookups_total{result=\"noerror\"")) {
      lookups += value;
    }
  }
  EXPECT_GT(lookups, 0) << text;

  // Findings per verdict: as `caawatch findings --json` lists them.
  const CommandResult findings = Cli({"findings", "--json"});
  ASSERT_EQ(findings.exit_code, 0) << findings.err;
  std::map<std::string, double> by_verdict;
  for (const nlohmann::json& f : testing::JsonLines(findings.out)) {
    by_verdict[f["verdict"].get<std::string>()] += 1;
  }
  EXPECT_EQ(testing::JsonLines(findings.out).size(), 2u) << findings.out;  // The two planted.
  double listed = 0;
  for (const auto& [series, value] : samples) {
    if (!absl::StartsWith(series, "caawatch_findings{verdict=\"")) continue;
    const std::string verdict(
        absl::StripSuffix(absl::StripPrefix(series, "caawatch_findings{verdict=\""), "\"}"));
    EXPECT_EQ(value, by_verdict[verdict]) << verdict;
    listed += value;
  }
  EXPECT_EQ(listed, static_cast<double>(testing::JsonLines(findings.out).size())) << text;

  EXPECT_EQ(samples["caawatch_notify_pending" + sink], 0) << text;
  EXPECT_EQ(samples["caawatch_notify_failures_total" + sink], 0) << text;
  EXPECT_EQ(samples["caawatch_caa_polls_total"], 1) << text;
  EXPECT_EQ(samples["caawatch_caa_poll_names"], 3) << text;  // forbidden.test, allowed.test, test.

  // `caawatch status` says the same of the sink, and where the CAA poll stands.
  const CommandResult text_status = Cli({"status"});
  EXPECT_EQ(text_status.exit_code, 0) << text_status.err;
  EXPECT_TRUE(absl::StrContains(text_status.out,
                                "sink script /bin/true: 0 pending, 2 delivered, 0 "
                                "given up, last delivery 20"))
      << text_status.out;
  EXPECT_TRUE(absl::StrContains(text_status.out, "CAA poll: last full poll 20")) << text_status.out;
  EXPECT_TRUE(absl::StrContains(text_status.out, "3 names answered within the poll interval (1h)"))
      << text_status.out;

  // promtool's linter accepts the exposition as served.
  const std::string scrape_file = WriteFile("scrape.txt", text);
  const CommandResult checked = Shell("promtool check metrics < " + scrape_file, dir());
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;

  // A real Prometheus server scrapes it every second and answers for the lag series.
  const int prometheus_port = testing::FreeTcpPort();
  const std::string config =
      WriteFile("prometheus.yml", absl::StrCat("global:\n  scrape_interval: 1s\nscrape_configs:\n"
                                               "  - job_name: caawatch\n    static_configs:\n"
                                               "      - targets: ['127.0.0.1:",
                                               port, "']\n"));
  Subprocess prometheus({"/usr/bin/prometheus", "--config.file=" + config,
                         "--storage.tsdb.path=" + dir() + "/prometheus",
                         absl::StrCat("--web.listen-address=127.0.0.1:", prometheus_port)},
                        dir());
  nlohmann::json answer;
  const absl::Time query_deadline = absl::Now() + absl::Seconds(60);
  for (;;) {
    ASSERT_LT(absl::Now(), query_deadline) << answer.dump() << prometheus.Stderr();
    ASSERT_TRUE(prometheus.running()) << prometheus.Stderr();
    std::optional<std::string> body =
        HttpGet(prometheus_port, "/api/v1/query?query=caawatch_log_lag_entries");
    if (body) {
      answer = nlohmann::json::parse(*body, nullptr, false);
      if (answer.is_object() && answer["status"] == "success" &&
          !answer["data"]["result"].empty()) {
        break;
      }
    }
    absl::SleepFor(absl::Milliseconds(250));
  }
  const nlohmann::json& series = answer["data"]["result"][0];
  EXPECT_EQ(series["metric"]["log"], status["url"]) << answer.dump();
  EXPECT_EQ(series["metric"]["job"], "caawatch") << answer.dump();
  EXPECT_EQ(series["value"][1], "0") << answer.dump();
  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

// With the monitor's TLS certificate configured, /metrics is HTTPS: a client that verifies the
// certificate scrapes it, a plain HTTP request gets nothing.
TEST_F(MetricsTest, WithTlsItIsServedOverHttps) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 5, .plants = {}});
  absl::StatusOr<fakes::SelfSignedTls> tls = fakes::MakeSelfSignedTls("IP:127.0.0.1");
  ASSERT_TRUE(tls.ok()) << tls.status();
  const std::string cert = WriteFile("cert.pem", tls->cert_pem);
  const std::string config = WriteFile(
      "config.json", nlohmann::json({{"grpc_tls_cert", cert},
                                     {"grpc_tls_key", WriteFile("key.pem", tls->key_pem)}})
                         .dump());
  const int port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--config", config, "--metrics-listen", absl::StrCat("127.0.0.1:", port),
               "--grpc-listen", absl::StrCat("127.0.0.1:", testing::FreeTcpPort())}),
      dir());
  httplib::SSLClient client("127.0.0.1", port);
  client.set_ca_cert_path(cert.c_str());
  client.enable_server_certificate_verification(true);
  client.set_connection_timeout(5);
  std::optional<std::string> body;
  std::string error;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (absl::Now() < deadline && monitor.running()) {
    httplib::Result scraped = client.Get("/metrics");
    if (scraped && scraped->status == 200) {
      body = scraped->body;
      break;
    }
    error = scraped ? absl::StrCat("HTTP ", scraped->status) : httplib::to_string(scraped.error());
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(body.has_value()) << error << "\n" << monitor.Stderr();
  EXPECT_TRUE(absl::StrContains(*body, "\ncaawatch_build_info{")) << *body;
  EXPECT_EQ(HttpGet(port, "/metrics"), std::nullopt);  // Plain HTTP: no answer.
  EXPECT_TRUE(testing::StopsCleanly(monitor));
}

TEST_F(MetricsTest, NonLoopbackAddressWithoutTlsIsRefused) {
  const CommandResult run = RunCommand(RunArgs({"--metrics-listen", "0.0.0.0:9100"}), dir());
  EXPECT_EQ(run.exit_code, 2) << run.err;
  EXPECT_TRUE(absl::StrContains(
      run.err,
      "refusing to listen on 0.0.0.0:9100 without TLS: a non-loopback address needs a "
      "TLS certificate and key"))
      << run.err;
  const CommandResult malformed = RunCommand(RunArgs({"--metrics-listen", "localhost"}), dir());
  EXPECT_EQ(malformed.exit_code, 2) << malformed.err;
  EXPECT_TRUE(absl::StrContains(malformed.err, "want HOST:PORT")) << malformed.err;
}

// The README's example alert rules (the ```yaml block that starts with "groups:") are rules
// Prometheus loads.
TEST_F(MetricsTest, ReadmeAlertRulesAreValid) {
  const std::string readme = testing::ReadFileOrEmpty(CAAWATCH_SOURCE_DIR "/README.md");
  const size_t start = readme.find("```yaml\ngroups:\n");
  ASSERT_NE(start, std::string::npos) << "no alert rules in README.md";
  const size_t body = start + std::string("```yaml\n").size();
  const size_t end = readme.find("```", body);
  ASSERT_NE(end, std::string::npos);
  const std::string rules = WriteFile("rules.yml", readme.substr(body, end - body));
  const CommandResult checked = RunCommand({"/usr/bin/promtool", "check", "rules", rules}, dir());
  EXPECT_EQ(checked.exit_code, 0) << checked.out << checked.err;
  EXPECT_TRUE(absl::StrContains(checked.out, "SUCCESS: 2 rules found")) << checked.out;
}

}  // namespace
}  // namespace caawatch
