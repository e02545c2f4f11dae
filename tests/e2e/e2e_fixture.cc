#include "tests/e2e/e2e_fixture.h"

#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace caawatch::testing {
namespace {

constexpr char kZone[] = R"(forbidden  CAA 0 issue "pki.goog"
allowed    CAA 0 issue "letsencrypt.org"
xn--bcher-kva.allowed  CAA 0 issue "pki.goog"
methods    CAA 0 issue "letsencrypt.org; validationmethods=foo-01"
account    CAA 0 issue "letsencrypt.org; accounturi=https://acme.test/acct/7; validationmethods=dns-01"
)";

}  // namespace

std::vector<nlohmann::json> JsonLines(const std::string& text) {
  std::vector<nlohmann::json> out;
  for (absl::string_view line : absl::StrSplit(text, '\n', absl::SkipEmpty())) {
    out.push_back(nlohmann::json::parse(line));
  }
  return out;
}

std::vector<std::string> ForbiddenPlants(const std::string& flag, const std::string& prefix,
                                         int count) {
  std::vector<std::string> flags;
  for (int i = 0; i < count; ++i) {
    flags.push_back(flag);
    flags.push_back(absl::StrCat(prefix, i, ".forbidden.test:letsencrypt"));
  }
  return flags;
}

void EndToEndFixture::SetUp() {
  bin_ = CAAWATCH_BINARY_DIR;
  fakes::KnotZone zone;
  zone.origin = "test";
  zone.records = kZone;
  if (signed_zone_) zone.signing = fakes::ZoneSigning::kSigned;
  auto knot = fakes::KnotServer::Start({zone});
  ASSERT_TRUE(knot.ok()) << knot.status();
  knot_ = std::move(*knot);
}

std::unique_ptr<Subprocess> EndToEndFixture::StartLog(const TestLogOptions& options) {
  std::vector<std::string> args = {bin_ + "/tests/fakes/caawatch_test_log",
                                   "--publish",
                                   "--loglist-out",
                                   options.loglist_out.empty() ? loglist() : options.loglist_out,
                                   "--seed",
                                   std::to_string(options.seed),
                                   "--noise",
                                   std::to_string(options.noise)};
  args.insert(args.end(), options.plants.begin(), options.plants.end());
  auto log = std::make_unique<Subprocess>(args, dir());
  for (std::optional<std::string> line; (line = log->ReadLine(absl::Seconds(120)));) {
    if (absl::StartsWith(*line, "serving ")) return log;
  }
  ADD_FAILURE() << "the test log did not start: " << log->Stderr();
  return log;
}

void EndToEndFixture::CombineLogLists(const std::vector<ListedLog>& logs) const {
  nlohmann::json combined = {{"logs", nlohmann::json::array()},
                             {"tiled_logs", nlohmann::json::array()}};
  nlohmann::json list;
  for (const ListedLog& listed : logs) {
    list = nlohmann::json::parse(std::ifstream(listed.list));
    for (const nlohmann::json& op : list["operators"]) {
      for (const char* kind : {"logs", "tiled_logs"}) {
        for (nlohmann::json log : op.value(kind, nlohmann::json::array())) {
          log["description"] = listed.description;
          combined[kind].push_back(std::move(log));
        }
      }
    }
  }
  // The last list's header (version, timestamp) and operator name and email, with every log.
  nlohmann::json op = list["operators"][0];
  for (const char* kind : {"logs", "tiled_logs"}) op[kind] = combined[kind];
  list["operators"] = nlohmann::json::array({op});
  std::ofstream(loglist()) << list.dump(2);
}

std::vector<std::string> EndToEndFixture::RunArgs(const std::vector<std::string>& extra,
                                                  const std::vector<std::string>& watches) const {
  std::vector<std::string> args = {caawatch(),   "run",     "--data-dir",   data_dir(),
                                   "--log-list", loglist(), "--dns-server", dns_server()};
  if (signed_zone_) {
    args.insert(args.end(), {"--dnssec", "on", "--trust-anchor", knot_->trust_anchor_file()});
  } else {
    args.insert(args.end(), {"--dnssec", "off"});
  }
  for (const std::string& w : watches) {
    args.push_back("--watch");
    args.push_back(w);
  }
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

std::string EndToEndFixture::dns_server() const {
  return absl::StrCat("127.0.0.1:", knot_->port());
}

CommandResult EndToEndFixture::Cli(std::vector<std::string> args) const {
  args.insert(args.begin(), caawatch());
  args.push_back("--data-dir");
  args.push_back(data_dir());
  return RunCommand(args, dir());
}

bool CaughtUp(const nlohmann::json& log) {
  return log.is_object() && log["tree_size"].get<uint64_t>() > 0 &&
         log["position"] == log["tree_size"];
}

std::map<std::string, nlohmann::json> EndToEndFixture::LogsByDescription() const {
  const CommandResult status = Cli({"status", "--json"});
  std::map<std::string, nlohmann::json> logs;
  if (status.exit_code != 0) return logs;
  for (const nlohmann::json& log : JsonLines(status.out)) {
    // Not `[]` (no log yet), nor a followed zone's, a witness's or the revocation follower's.
    if (log.is_object() && log.contains("description") && !log.contains("zone")) {
      logs[log["description"]] = log;
    }
  }
  return logs;
}

std::vector<uint64_t> EndToEndFixture::StoredAlertSeqs() const {
  const CommandResult findings = Cli({"findings", "--json", "--limit", "100000"});
  EXPECT_EQ(findings.exit_code, 0) << findings.err;
  std::vector<uint64_t> seqs;
  for (const nlohmann::json& f : JsonLines(findings.out)) {
    if (f["severity"] == "critical" || f["severity"] == "warning") {
      seqs.push_back(f["seq"].get<uint64_t>());
    }
  }
  return seqs;
}

std::unique_ptr<v1::Monitor::Stub> EndToEndFixture::ConnectMonitor(int port,
                                                                   Subprocess& monitor) const {
  auto channel =
      grpc::CreateChannel(absl::StrCat("127.0.0.1:", port), grpc::InsecureChannelCredentials());
  if (!channel->WaitForConnected(std::chrono::system_clock::now() + std::chrono::seconds(60))) {
    ADD_FAILURE() << "caawatch run did not serve gRPC on port " << port << ": " << monitor.Stderr();
    return nullptr;
  }
  return v1::Monitor::NewStub(channel);
}

bool AwaitLog(Subprocess& monitor, const std::string& text, absl::Duration within) {
  const absl::Time deadline = absl::Now() + within;
  while (!absl::StrContains(monitor.Stderr(), text)) {
    if (absl::Now() > deadline || !monitor.running()) return false;
    absl::SleepFor(absl::Milliseconds(20));
  }
  return true;
}

std::optional<std::string> NotifyListenerAddress(const std::string& log) {
  const std::string kMarker = "NOTIFY listener on ";
  const size_t at = log.find(kMarker);
  if (at == std::string::npos) return std::nullopt;
  const size_t start = at + kMarker.size();
  const size_t end = log.find_first_of(" \n", start);
  return log.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

bool StopsCleanly(Subprocess& monitor, absl::Duration within) {
  monitor.Signal(SIGTERM);
  const std::optional<int> code = monitor.Wait(within);
  if (!code.has_value()) {
    ADD_FAILURE() << "caawatch run did not stop within " << within << " of SIGTERM; "
                  << monitor.Stderr();
    return false;
  }
  if (*code != 0) {
    ADD_FAILURE() << "caawatch run exited " << *code << " on SIGTERM; " << monitor.Stderr();
    return false;
  }
  return true;
}

EndToEndFixture::Subscribed EndToEndFixture::RunAndSubscribe(const std::string& config) const {
  Subscribed out;
  const int grpc_port = FreeTcpPort();
  out.monitor = std::make_unique<Subprocess>(
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)}), dir());
  out.stub = ConnectMonitor(grpc_port, *out.monitor);
  if (out.stub == nullptr) return out;
  out.context = std::make_unique<grpc::ClientContext>();
  out.context->set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
  out.reader = out.stub->Subscribe(out.context.get(), v1::SubscribeRequest());
  return out;
}

bool EndToEndFixture::PublishPlantAndReadAlert(const Subscribed& run, Subprocess& log,
                                               v1::Alert* alert) const {
  for (const absl::Time deadline = absl::Now() + absl::Seconds(60);
       absl::Now() < deadline && run.monitor->running();) {
    const std::map<std::string, nlohmann::json> logs = LogsByDescription();
    if (!logs.empty() && CaughtUp(logs.begin()->second)) break;
    absl::SleepFor(absl::Milliseconds(100));
  }
  log.Signal(SIGUSR1);
  if (run.reader->Read(alert)) return true;
  ADD_FAILURE() << "no alert: " << run.monitor->Stderr();
  return false;
}

std::string EndToEndFixture::WriteFile(const std::string& name, const std::string& text) const {
  const std::string path = dir() + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

}  // namespace caawatch::testing
