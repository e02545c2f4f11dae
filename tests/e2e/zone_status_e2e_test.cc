// A followed zone in `caawatch status`, gRPC GetStatus and the health check (issue 18): while
// the primary answers, the zone is `ok` with its serial and last transfer; once the primary is
// gone for longer than the zone's SOA expire time, caawatch no longer vouches for the zone: it
// is `expired` with the transfer's error everywhere, and with it the only followed zone, the
// health service says NOT_SERVING with the reason logged. `zones status` finds the monitor by
// the data directory's holder record and fits its table to the terminal. A lookup answer that
// disagrees with the followed zone is a warning in both.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "health.grpc.pb.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch {
namespace {

using grpc::health::v1::HealthCheckRequest;
using grpc::health::v1::HealthCheckResponse;
using testing::CommandResult;
using testing::JsonLines;
using testing::Subprocess;

constexpr char kSecret[] = "b3duZWQgem9uZSB0cmFuc2ZlciBrZXkgb2YgdGhlIHRlc3Qh";

class ZoneStatusEndToEndTest : public testing::EndToEndFixture {
 protected:
  HealthCheckResponse::ServingStatus Health(grpc::health::v1::Health::Stub& stub) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    HealthCheckRequest request;
    request.set_service("caawatch.v1.Monitor");
    HealthCheckResponse response;
    if (!stub.Check(&context, request, &response).ok()) return HealthCheckResponse::UNKNOWN;
    return response.status();
  }

  // config.json following owned.test from `primary` with the TSIG key (owned.key), NOTIFY on a
  // loopback port the kernel picks; `extra`: more members, each followed by ", ".
  std::string OwnedZoneConfig(const std::string& primary, absl::string_view extra = "") {
    const std::string secret = WriteFile("owned.key", absl::StrCat(kSecret, "\n"));
    return WriteFile("config.json",
                     absl::StrCat("{", extra, R"("notify_listen": "127.0.0.1:0", "zones": [{)",
                                  R"("zone": "owned.test", "primaries": [")", primary,
                                  R"("], "tsig_key_name": "owned-key", "tsig_secret_file": ")",
                                  secret, R"("}]})"));
  }

  // The zone's line of `status --json`, if any.
  std::optional<nlohmann::json> ZoneLine(const std::string& zone) {
    const CommandResult status = Cli({"status", "--json"});
    if (status.exit_code != 0) return std::nullopt;  // No store yet.
    for (const nlohmann::json& line : JsonLines(status.out)) {
      if (line.is_object() && line.contains("zone") && line["zone"] == zone) return line;
    }
    return std::nullopt;
  }
};

TEST_F(ZoneStatusEndToEndTest, AZoneWhosePrimaryIsGoneExpiresInStatusAndHealth) {
  // Refresh and retry 5 s (the follower's floor), expire 6 s: caawatch keeps the copy for at
  // least refresh + retry, 10 s, after the last successful refresh.
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> owned =
      fakes::KnotServer::Start({{.origin = "owned.test",
                                 .records = "@ CAA 0 issue \"letsencrypt.org\"\n",
                                 .transfer_key = absl::StrCat("hmac-sha256:owned-key:", kSecret),
                                 .soa_timers = "5 5 6 300"}});
  ASSERT_TRUE(owned.ok()) << owned.status();
  const std::string config = OwnedZoneConfig((*owned)->address());
  std::unique_ptr<Subprocess> log = StartLog({.noise = 0, .plants = {}});
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)},
              {".owned.test"}),
      dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  auto health = grpc::health::v1::Health::NewStub(grpc::CreateChannel(
      absl::StrCat("127.0.0.1:", grpc_port), grpc::InsecureChannelCredentials()));

  // Followed: ok, serial 1, in `status` and GetStatus alike; the service is SERVING.
  std::optional<nlohmann::json> line;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30);
       absl::Now() < deadline && !(line = ZoneLine("owned.test"));) {
    absl::SleepFor(absl::Milliseconds(100));
  }
  ASSERT_TRUE(line.has_value()) << monitor.Stderr();
  EXPECT_EQ((*line)["state"], "ok") << line->dump();
  EXPECT_EQ((*line)["serial"], 1) << line->dump();
  EXPECT_NE((*line)["last_transfer"], "") << line->dump();
  EXPECT_EQ((*line)["last_transfer_kind"], "axfr") << line->dump();
  const CommandResult table = Cli({"status"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(absl::StrContains(table.out, "owned.test")) << table.out;
  {
    grpc::ClientContext context;
    v1::GetStatusResponse response;
    ASSERT_TRUE(stub->GetStatus(&context, v1::GetStatusRequest(), &response).ok());
    ASSERT_EQ(response.zones_size(), 1);
    EXPECT_EQ(response.zones(0).zone(), "owned.test");
    EXPECT_EQ(response.zones(0).state(), "ok");
    EXPECT_EQ(response.zones(0).serial(), 1u);
    EXPECT_NE(response.zones(0).expires_at(), "");
  }
  EXPECT_EQ(Health(*health), HealthCheckResponse::SERVING) << monitor.Stderr();

  // The primary goes away: refreshes fail, and past the expire time the zone is expired.
  owned->reset();
  const absl::Time gone = absl::Now();
  for (const absl::Time deadline = gone + absl::Seconds(40);
       absl::Now() < deadline && Health(*health) != HealthCheckResponse::NOT_SERVING;) {
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_EQ(Health(*health), HealthCheckResponse::NOT_SERVING) << monitor.Stderr();
  std::cout << "[ measured ] primary gone -> NOT_SERVING: "
            << absl::FormatDuration(absl::Now() - gone) << "\n";
  EXPECT_TRUE(
      absl::StrContains(monitor.Stderr(), "NOT_SERVING: every followed zone (1) is expired"))
      << monitor.Stderr();
  line = ZoneLine("owned.test");
  ASSERT_TRUE(line.has_value());
  EXPECT_EQ((*line)["state"], "expired") << line->dump();
  EXPECT_NE((*line)["last_error"], "") << line->dump();
  grpc::ClientContext context;
  v1::GetStatusResponse response;
  ASSERT_TRUE(stub->GetStatus(&context, v1::GetStatusRequest(), &response).ok());
  ASSERT_EQ(response.zones_size(), 1);
  EXPECT_EQ(response.zones(0).state(), "expired");

  // `zones status` finds the monitor by the holder record in the data directory (the
  // configured address, 127.0.0.1:7443, is not where it listens), and its table fits the
  // terminal: the last error is shortened, the other columns stay.
  const CommandResult zones = testing::RunCommand(
      {"/usr/bin/env", "COLUMNS=140", caawatch(), "zones", "status", "--data-dir", data_dir()},
      dir());
  ASSERT_EQ(zones.exit_code, 0) << zones.err;
  EXPECT_TRUE(absl::StrContains(zones.out, "expired")) << zones.out;
  EXPECT_TRUE(absl::StrContains(zones.out, "...")) << zones.out;
  for (absl::string_view row : absl::StrSplit(zones.out, '\n')) {
    EXPECT_LE(row.size(), 140u) << zones.out;
  }

  monitor.Signal(SIGTERM);
  std::optional<int> code = monitor.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << monitor.Stderr();
}

// The cross-check (issue 18): the world (the resolver caawatch polls through) is served another
// owned.test than the primary transfers to caawatch. Once the records' TTL has passed, the
// disagreement is a warning in `status` and `zones status`, not only a log line.
TEST_F(ZoneStatusEndToEndTest, ALookupThatDisagreesWithTheFollowedZoneIsAWarningInStatus) {
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> primary =
      fakes::KnotServer::Start({{.origin = "owned.test",
                                 .records = "@ 1 CAA 0 issue \"letsencrypt.org\"\n",
                                 .transfer_key = absl::StrCat("hmac-sha256:owned-key:", kSecret)}});
  ASSERT_TRUE(primary.ok()) << primary.status();
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> world = fakes::KnotServer::Start(
      {{.origin = "owned.test", .records = "@ 1 CAA 0 issue \"pki.goog\"\n"}});
  ASSERT_TRUE(world.ok()) << world.status();
  const std::string config =
      OwnedZoneConfig((*primary)->address(), R"("caa_poll_interval": "1s", )");
  std::unique_ptr<Subprocess> log = StartLog({.noise = 0, .plants = {}});
  Subprocess monitor(
      {caawatch(), "run", "--data-dir", data_dir(), "--log-list", loglist(), "--dns-server",
       (*world)->address(), "--dnssec", "off", "--watch", "owned.test", "--config", config,
       "--grpc-listen", absl::StrCat("127.0.0.1:", testing::FreeTcpPort())},
      dir());
  std::optional<nlohmann::json> line;
  for (const absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
    line = ZoneLine("owned.test");
    if (line && (*line)["last_disagreement"] != "") break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  ASSERT_TRUE(line.has_value()) << monitor.Stderr();
  const std::string said = (*line)["last_disagreement"];
  EXPECT_TRUE(absl::StrContains(said, "pki.goog")) << line->dump() << monitor.Stderr();
  EXPECT_TRUE(absl::StrContains(said, "letsencrypt.org")) << line->dump();
  EXPECT_GE((*line)["disagreements"].get<uint64_t>(), 1u);
  const CommandResult table = Cli({"status"});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(absl::StrContains(table.out, "warning: owned.test:")) << table.out;
  const CommandResult zones = Cli({"zones", "status"});
  ASSERT_EQ(zones.exit_code, 0) << zones.err;
  EXPECT_TRUE(absl::StrContains(zones.out, "disagreed with the followed zone")) << zones.out;

  monitor.Signal(SIGTERM);
  std::optional<int> code = monitor.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << monitor.Stderr();
}

// How many times `text` occurs in `log`.
size_t Count(const std::string& log, const std::string& text) {
  size_t n = 0;
  for (size_t at = log.find(text); at != std::string::npos; at = log.find(text, at + 1)) ++n;
  return n;
}

// The zone copy is saved (issue 18): after a restart caawatch asks the primary for the changes
// since the saved serial (IXFR) instead of the whole zone, and the history runs on across the
// restart: a time while caawatch was stopped is judged by the zone's records.
TEST_F(ZoneStatusEndToEndTest, ARestartContinuesByIxfrFromTheSavedSerial) {
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> owned = fakes::KnotServer::Start(
      {{.origin = "owned.test",
        .records = "@ CAA 0 issue \"letsencrypt.org\"\nflip CAA 0 issue \"pki.goog\"\n",
        .allow_updates = true,
        .transfer_key = absl::StrCat("hmac-sha256:owned-key:", kSecret)}});
  ASSERT_TRUE(owned.ok()) << owned.status();
  const std::string config = OwnedZoneConfig((*owned)->address());
  std::unique_ptr<Subprocess> log = StartLog({.noise = 0, .plants = {}});
  const auto await_serial = [&](Subprocess& monitor, int serial) {
    std::optional<nlohmann::json> line;
    for (const absl::Time deadline = absl::Now() + absl::Seconds(30); absl::Now() < deadline;) {
      line = ZoneLine("owned.test");
      if (line && (*line)["serial"] == serial) return *line;
      absl::SleepFor(absl::Milliseconds(100));
    }
    ADD_FAILURE() << "never at serial " << serial << ": " << (line ? line->dump() : "no line")
                  << "\n"
                  << monitor.Stderr();
    return nlohmann::json();
  };
  const auto stop = [](Subprocess& monitor) {
    monitor.Signal(SIGTERM);
    std::optional<int> code = monitor.Wait(absl::Seconds(30));
    ASSERT_TRUE(code.has_value());
    EXPECT_EQ(*code, 0) << monitor.Stderr();
  };
  {
    Subprocess first(RunArgs({"--config", config, "--grpc-listen",
                              absl::StrCat("127.0.0.1:", testing::FreeTcpPort())},
                             {".owned.test"}),
                     dir());
    EXPECT_EQ(await_serial(first, 1)["last_transfer_kind"], "axfr");
    stop(first);
  }
  const absl::Time stopped = absl::Now();
  const size_t axfrs = Count((*owned)->log(), "AXFR, outgoing");
  ASSERT_GT(axfrs, 0u) << (*owned)->log();
  ASSERT_EQ(Count((*owned)->log(), "IXFR, outgoing"), 0u) << (*owned)->log();
  // While caawatch is stopped, flip.owned.test lets Let's Encrypt issue (serial 2).
  absl::SleepFor(absl::Milliseconds(200));
  const absl::Time changed = absl::Now();
  ASSERT_TRUE((*owned)
                  ->Update("owned.test",
                           "update delete flip.owned.test. CAA\n"
                           "update add flip.owned.test. 3600 CAA 0 issue \"letsencrypt.org\"\n")
                  .ok());

  Subprocess second(RunArgs({"--config", config, "--grpc-listen",
                             absl::StrCat("127.0.0.1:", testing::FreeTcpPort())},
                            {".owned.test"}),
                    dir());
  const nlohmann::json line = await_serial(second, 2);
  EXPECT_EQ(line["last_transfer_kind"], "ixfr") << line.dump() << second.Stderr();
  EXPECT_EQ(Count((*owned)->log(), "AXFR, outgoing"), axfrs) << (*owned)->log();
  EXPECT_GT(Count((*owned)->log(), "IXFR, outgoing"), 0u) << (*owned)->log();
  stop(second);

  // Continuous: while caawatch was stopped, the records of serial 1 were in force.
  const auto check_at = [&](absl::Time at) {
    return Cli({"caa", "check", "x.flip.owned.test", "--issuer", "letsencrypt.org", "--at",
                absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone()), "--config",
                config, "--json"});
  };
  const CommandResult during = check_at(stopped + (changed - stopped) / 2);
  EXPECT_EQ(during.exit_code, 1) << during.out << during.err;
  EXPECT_TRUE(absl::StrContains(during.out, "\"forbidden\"")) << during.out;
  const CommandResult after = check_at(absl::Now());
  EXPECT_EQ(after.exit_code, 0) << after.out << after.err;
}

}  // namespace
}  // namespace caawatch
