// Alert latency (issue 7): the time from a log publishing a signed tree head that covers a new
// certificate for a watched name to the gRPC alert for it, every part real and in its own
// process (the test CT log, Knot DNS, `caawatch run`). Prints the distribution; asserts nothing.
//
//   alert_latency_bench [--samples N] [--sth-poll DURATION]
//
// --sth-poll overrides the monitor's tree-head polling interval (default: caawatch's own).
#include <grpcpp/grpcpp.h>
#include <signal.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch {
namespace {

using testing::Subprocess;

struct Options {
  int samples = 20;
  std::string sth_poll;  // "" = caawatch's default.
};

int Fail(const std::string& message) {
  std::cerr << "alert_latency_bench: " << message << std::endl;
  return 1;
}

double Percentile(std::vector<double> values, double p) {
  std::sort(values.begin(), values.end());
  const size_t i = std::min(values.size() - 1, static_cast<size_t>(p * (values.size() - 1) + 0.5));
  return values[i];
}

int Run(const Options& options) {
  std::string tmpl = (std::filesystem::temp_directory_path() / "caawatch_latency_XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) return Fail("cannot create a temp dir");
  const std::string dir = tmpl;
  const std::string bin = CAAWATCH_BINARY_DIR;

  fakes::KnotZone zone;
  zone.origin = "test";
  zone.records = "forbidden CAA 0 issue \"pki.goog\"\n";
  auto knot = fakes::KnotServer::Start({zone});
  if (!knot.ok()) return Fail(std::string(knot.status().message()));

  Subprocess log(
      {bin + "/tests/fakes/caawatch_test_log", "--publish", "--loglist-out", dir + "/loglist.json",
       "--noise", "1000", "--plant-per-signal", "n#.forbidden.test:letsencrypt"},
      dir);
  bool serving = false;
  for (std::optional<std::string> line; !serving && (line = log.ReadLine(absl::Seconds(120)));) {
    serving = absl::StartsWith(*line, "serving ");
  }
  if (!serving) return Fail("the test log did not start: " + log.Stderr());

  const int port = testing::FreeTcpPort();
  std::vector<std::string> run_args = {bin + "/cli/caawatch",
                                       "run",
                                       "--data-dir",
                                       dir + "/data",
                                       "--log-list",
                                       dir + "/loglist.json",
                                       "--dns-server",
                                       (*knot)->address(),
                                       "--dnssec",
                                       "off",
                                       "--watch",
                                       ".forbidden.test",
                                       "--grpc-listen",
                                       absl::StrCat("127.0.0.1:", port)};
  if (!options.sth_poll.empty()) {
    std::ofstream(dir + "/config.json")
        << "{\"sth_poll_interval\": \"" << options.sth_poll << "\"}";
    run_args.push_back("--config");
    run_args.push_back(dir + "/config.json");
  }
  Subprocess monitor(run_args, dir);
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(60))) {
    return Fail("caawatch did not start serving gRPC: " + monitor.Stderr());
  }
  auto stub = v1::Monitor::NewStub(channel);
  grpc::ClientContext context;
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
  absl::SleepFor(absl::Seconds(3));  // Let the first pass over the 1000 noise entries finish.

  std::mt19937_64 random(1);
  std::vector<double> latencies_ms;
  for (int i = 1; i <= options.samples; ++i) {
    // A random phase against the polling interval, as real issuance has.
    absl::SleepFor(absl::Milliseconds(random() % 1000));
    log.Signal(SIGUSR1);
    absl::Time published = absl::InfinitePast();
    for (std::optional<std::string> line; (line = log.ReadLine(absl::Seconds(30)));) {
      if (absl::StartsWith(*line, "published ")) {
        published = absl::Now();
        break;
      }
    }
    if (published == absl::InfinitePast()) return Fail("the test log did not publish");
    v1::Alert alert;
    if (!reader->Read(&alert)) return Fail("the alert stream ended: " + monitor.Stderr());
    const double ms = absl::ToDoubleMilliseconds(absl::Now() - published);
    const std::string want = absl::StrCat("n", i, ".forbidden.test");
    if (alert.finding().watched_names_size() == 0 || alert.finding().watched_names(0) != want) {
      return Fail("unexpected alert for " + alert.finding().DebugString());
    }
    latencies_ms.push_back(ms);
    std::printf("sample %2d: %7.1f ms\n", i, ms);
  }
  context.TryCancel();
  monitor.Signal(SIGTERM);
  monitor.Wait(absl::Seconds(30));
  std::filesystem::remove_all(dir);

  double sum = 0;
  for (double v : latencies_ms) sum += v;
  std::printf(
      "alert latency over %zu samples (sth poll %s): p50 %.0f ms, p90 %.0f ms, max %.0f ms, "
      "mean %.0f ms\n",
      latencies_ms.size(), options.sth_poll.empty() ? "default" : options.sth_poll.c_str(),
      Percentile(latencies_ms, 0.5), Percentile(latencies_ms, 0.9),
      *std::max_element(latencies_ms.begin(), latencies_ms.end()), sum / latencies_ms.size());
  return 0;
}

}  // namespace
}  // namespace caawatch

int main(int argc, char** argv) {
  caawatch::Options options;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    if (flag == "--samples" && absl::SimpleAtoi(argv[i + 1], &options.samples) &&
        options.samples > 0) {
      continue;
    }
    if (flag == "--sth-poll") {
      options.sth_poll = argv[i + 1];
      continue;
    }
    std::cerr << "usage: alert_latency_bench [--samples N] [--sth-poll DURATION]" << std::endl;
    return 2;
  }
  return caawatch::Run(options);
}
