// The setup every end-to-end test shares: a private temp dir, Knot DNS serving the CAA zone
// "test." (forbidden.test lets only Google Trust Services issue, allowed.test only Let's
// Encrypt), and argv builders for the test CT log, `caawatch run` and the CLI, each run as its
// own process.
#ifndef CAAWATCH_TESTS_E2E_E2E_FIXTURE_H_
#define CAAWATCH_TESTS_E2E_E2E_FIXTURE_H_

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/time/time.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/knot_server.h"
#include "tests/fakes/temp_dir.h"

namespace caawatch::testing {

// One JSON value per non-empty line.
std::vector<nlohmann::json> JsonLines(const std::string& text);

// "--plant" (or "--plant-on-signal") flags for `count` certificates from Let's Encrypt named
// "<prefix>0.forbidden.test", "<prefix>1.forbidden.test", ...: each becomes one alert.
std::vector<std::string> ForbiddenPlants(const std::string& flag, const std::string& prefix,
                                         int count);

struct TestLogOptions {
  uint64_t noise = 3000;  // Certificates under noise.test: they match no watched name.
  // Flags as caawatch_test_log takes them, e.g. {"--plant", "www.forbidden.test:letsencrypt"}.
  std::vector<std::string> plants;
  uint64_t seed = 7;             // Its keys: logs started with different seeds are different logs.
  std::string loglist_out = "";  // Where its log list goes; "" = loglist().
};

// One log of a combined log list: the list file one test log wrote, and the description to give
// its log (so that logs and log messages can be told apart).
struct ListedLog {
  std::string list;
  std::string description;
};

// Whether `log` (a line of `caawatch status --json`) is read up to a non-empty tree head.
bool CaughtUp(const nlohmann::json& log);

// Stops `monitor` (`caawatch run`) with SIGTERM, as a service manager would: true when it exited
// 0 within `within`; false, with a test failure saying how it ended and its stderr, otherwise.
bool StopsCleanly(Subprocess& monitor, absl::Duration within = absl::Seconds(30));

// Waits up to `within` for `text` in `monitor`'s stderr; false when it never comes or the monitor
// exits first.
bool AwaitLog(Subprocess& monitor, const std::string& text,
              absl::Duration within = absl::Seconds(30));

// The address the monitor's NOTIFY listener bound, from its "NOTIFY listener on ADDRESS" line.
std::optional<std::string> NotifyListenerAddress(const std::string& log);

class EndToEndFixture : public ::testing::Test {
 protected:
  void SetUp() override;

  // Starts caawatch_test_log (published at start, seed 7) writing its log list to loglist();
  // returns once it serves (a test failure is added if it does not).
  std::unique_ptr<Subprocess> StartLog(const TestLogOptions& options);

  // Writes loglist(): one operator with the logs (RFC 6962 and tiled) of every list, in order.
  void CombineLogLists(const std::vector<ListedLog>& logs) const;

  // argv of `caawatch run` against the test log and Knot (DNSSEC off unless signed_zone_),
  // watching `watches` (--watch each), with `extra` appended.
  std::vector<std::string> RunArgs(const std::vector<std::string>& extra,
                                   const std::vector<std::string>& watches = {
                                       ".forbidden.test", ".allowed.test"}) const;

  // Runs `caawatch ARGS --data-dir data_dir()` to completion.
  CommandResult Cli(std::vector<std::string> args) const;

  // `caawatch status --json` by log description; empty while there is no store.
  std::map<std::string, nlohmann::json> LogsByDescription() const;

  // The seqs of the stored alerts (critical and warning findings) in the order `caawatch
  // findings --json` lists them; a test failure is added if the command fails.
  std::vector<uint64_t> StoredAlertSeqs() const;

  // Writes `text` to dir()/name and returns the path.
  std::string WriteFile(const std::string& name, const std::string& text) const;
  // A Monitor stub on `caawatch run` (`monitor`) serving gRPC on 127.0.0.1:`port`, once it
  // accepts connections; null, with a test failure showing its stderr, if it does not within
  // 60 s.
  std::unique_ptr<v1::Monitor::Stub> ConnectMonitor(int port, Subprocess& monitor) const;

  // `caawatch run --config CONFIG` (RunArgs) serving gRPC on a free loopback port, and an
  // unfiltered Subscribe stream on it with a 60 s deadline: what a test of alert latency reads.
  // Members are destroyed stream first, monitor last (SIGTERM, see Subprocess).
  struct Subscribed {
    std::unique_ptr<Subprocess> monitor;
    std::unique_ptr<v1::Monitor::Stub> stub;
    std::unique_ptr<grpc::ClientContext> context;
    std::unique_ptr<grpc::ClientReader<v1::Alert>> reader;  // Null if the monitor never served.
  };
  Subscribed RunAndSubscribe(const std::string& config) const;
  // Once `run`'s first log is read up to its tree head (at most 60 s; the CAA poll came first),
  // has `log` publish its planted certificate (SIGUSR1) and reads the alert it raises into
  // `alert`. False, with `run`'s stderr in a test failure, when no alert comes.
  bool PublishPlantAndReadAlert(const Subscribed& run, Subprocess& log, v1::Alert* alert) const;

  std::string dir() const { return dir_.string(); }
  std::string data_dir() const { return dir() + "/data"; }
  std::string loglist() const { return dir() + "/loglist.json"; }
  std::string bin() const { return bin_; }
  std::string caawatch() const { return bin_ + "/cli/caawatch"; }
  std::string dns_server() const;  // The Knot server, as --dns-server takes it.

  // Set in a derived fixture's constructor (before SetUp): Knot signs the zone "test." and
  // RunArgs validates DNSSEC, anchored at that zone's DS, instead of turning it off.
  bool signed_zone_ = false;

 private:
  TempDir dir_{"caawatch_e2e"};  // Removed last, after every process using it ended.
  std::string bin_;
  std::unique_ptr<fakes::KnotServer> knot_;
};

}  // namespace caawatch::testing

#endif  // CAAWATCH_TESTS_E2E_E2E_FIXTURE_H_
