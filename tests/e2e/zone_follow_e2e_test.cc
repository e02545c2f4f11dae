// Following the zone a user owns, end to end (issue 18): `caawatch run` with `zones` in its
// configuration transfers owned.test from a Knot primary (TSIG) and takes its NOTIFYs. A
// certificate for a subdomain nobody ever looked up, whose own CAA forbids its CA, is
// `forbidden` (critical) at first sight, with the zone's serial as evidence; certificates
// logged on both sides of a CAA change made with knsupdate are each judged by the records in
// force at their issuance; `caa check --at` and gRPC CheckCaa with a time judge by them too.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/free_port.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/knot_server.h"

namespace caawatch {
namespace {

using testing::AwaitLog;
using testing::CommandResult;
using testing::JsonLines;
using testing::NotifyListenerAddress;
using testing::Subprocess;

constexpr char kSecret[] = "b3duZWQgem9uZSB0cmFuc2ZlciBrZXkgb2YgdGhlIHRlc3Qh";

using ZoneFollowEndToEndTest = testing::EndToEndFixture;

std::chrono::system_clock::time_point In(int seconds) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

TEST_F(ZoneFollowEndToEndTest, FirstSightOfAForbiddenSubdomainAndBothSidesOfAChange) {
  absl::StatusOr<std::unique_ptr<fakes::KnotServer>> owned =
      fakes::KnotServer::Start({{.origin = "owned.test",
                                 .records = "@ CAA 0 issue \"letsencrypt.org\"\n"
                                            "deep.a.b CAA 0 issue \"pki.goog\"\n"
                                            "flip CAA 0 issue \"pki.goog\"\n",
                                 .allow_updates = true,
                                 .transfer_key = absl::StrCat("hmac-sha256:owned-key:", kSecret)}});
  ASSERT_TRUE(owned.ok()) << owned.status();
  const std::string secret = WriteFile("owned.key", absl::StrCat(kSecret, "\n"));
  // Port 0: the listener takes a port the kernel gives it and says which; Knot is told after.
  // A port picked in advance could be taken by another process before caawatch binds it.
  const std::string config = WriteFile(
      "config.json", absl::StrCat(R"({"sth_poll_interval": "200ms", "reevaluate_interval": "200ms",
          "notify_listen": "127.0.0.1:0", "zones": [{"zone": "owned.test", "primaries": [")",
                                  (*owned)->address(), R"("], "tsig_key_name": "owned-key",
          "tsig_secret_file": ")",
                                  secret, R"("}]})"));
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 0,
                .plants = {"--plant-on-signal", "deep.a.b.owned.test:letsencrypt",
                           "--plant-per-signal", "c#.flip.owned.test:letsencrypt"}});
  const int grpc_port = testing::FreeTcpPort();
  Subprocess monitor(
      RunArgs({"--config", config, "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)},
              {".owned.test"}),
      dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(grpc_port, monitor);
  ASSERT_NE(stub, nullptr);
  ASSERT_TRUE(AwaitLog(monitor, "following 1 zones")) << monitor.Stderr();
  const std::optional<std::string> listener = NotifyListenerAddress(monitor.Stderr());
  ASSERT_TRUE(listener.has_value()) << monitor.Stderr();
  ASSERT_TRUE((*owned)->SetNotifyTo("owned.test", *listener).ok()) << (*owned)->log();
  const absl::Time following = absl::Now();
  grpc::ClientContext context;
  context.set_deadline(In(120));
  auto reader = stub->Subscribe(&context, v1::SubscribeRequest());

  // deep.a.b.owned.test was never looked up: its own CAA, known from the zone, forbids.
  log->Signal(SIGUSR1);
  std::map<std::string, v1::Alert> first;
  for (int i = 0; i < 2; ++i) {
    v1::Alert alert;
    ASSERT_TRUE(reader->Read(&alert)) << monitor.Stderr();
    first[alert.finding().watched_names(0)] = alert;
  }
  ASSERT_TRUE(first.contains("deep.a.b.owned.test")) << monitor.Stderr();
  const v1::Finding& deep = first["deep.a.b.owned.test"].finding();
  EXPECT_EQ(deep.verdict(), v1::FORBIDDEN) << deep.reason();
  EXPECT_EQ(deep.severity(), v1::CRITICAL);
  ASSERT_EQ(deep.caa_size(), 1);
  EXPECT_EQ(deep.caa(0).basis(), "zone");
  EXPECT_EQ(deep.caa(0).relevant_name(), "deep.a.b.owned.test");
  ASSERT_GE(deep.caa(0).observations_size(), 1);
  EXPECT_EQ(deep.caa(0).observations(0).basis(), "zone");
  EXPECT_EQ(deep.caa(0).observations(0).zone(), "owned.test");
  EXPECT_EQ(deep.caa(0).observations(0).zone_serial(), 1u);
  ASSERT_TRUE(first.contains("c1.flip.owned.test"));
  EXPECT_EQ(first["c1.flip.owned.test"].finding().verdict(), v1::FORBIDDEN);

  // flip.owned.test now lets Let's Encrypt issue; the NOTIFY brings the change in.
  const absl::Time changed = absl::Now();
  ASSERT_TRUE((*owned)
                  ->Update("owned.test",
                           "update delete flip.owned.test. CAA\n"
                           "update add flip.owned.test. 3600 CAA 0 issue \"letsencrypt.org\"\n")
                  .ok());
  ASSERT_TRUE(AwaitLog(monitor, "(was 1)")) << monitor.Stderr() << (*owned)->log();
  std::cout << "[ measured ] knsupdate answered -> change recorded by caawatch run: "
            << absl::FormatDuration(absl::Now() - changed) << " (including log polling)\n";
  log->Signal(SIGUSR1);  // c2.flip.owned.test, issued after the change.

  // `caawatch zones status` asks the running monitor.
  const CommandResult zones =
      Cli({"zones", "status", "--json", "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)});
  ASSERT_EQ(zones.exit_code, 0) << zones.err;
  const std::vector<nlohmann::json> zone_lines = JsonLines(zones.out);
  ASSERT_EQ(zone_lines.size(), 1u) << zones.out;
  EXPECT_EQ(zone_lines[0]["zone"], "owned.test");
  EXPECT_EQ(zone_lines[0]["serial"], 2);
  EXPECT_NE(zone_lines[0]["last_notify"], "");
  EXPECT_NE(zone_lines[0]["last_transfer"], "");
  EXPECT_EQ(zone_lines[0]["last_error"], "");
  EXPECT_EQ(zone_lines[0]["incremental_transfers"], 1);
  const CommandResult table =
      Cli({"zones", "status", "--grpc-listen", absl::StrCat("127.0.0.1:", grpc_port)});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  EXPECT_TRUE(absl::StrContains(table.out, "owned.test")) << table.out;

  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  std::vector<nlohmann::json> findings;
  while (absl::Now() < deadline) {
    const CommandResult listed = Cli({"findings", "--json"});
    ASSERT_EQ(listed.exit_code, 0) << listed.err;
    findings = JsonLines(listed.out);
    if (findings.size() >= 3) break;
    absl::SleepFor(absl::Milliseconds(200));
  }
  std::map<std::string, nlohmann::json> by_name;
  for (const nlohmann::json& f : findings) by_name[f["watched_names"][0]] = f;
  ASSERT_TRUE(by_name.contains("c2.flip.owned.test")) << monitor.Stderr();
  // Before the change: only pki.goog could issue. After it, a CA that checked after the change
  // was allowed to: permitted, with both states of the zone as evidence.
  EXPECT_EQ(by_name["c1.flip.owned.test"]["verdict"], "forbidden");
  const nlohmann::json& after = by_name["c2.flip.owned.test"];
  EXPECT_EQ(after["verdict"], "permitted") << after.dump();
  EXPECT_EQ(after["caa"][0]["basis"], "zone") << after.dump();
  std::set<uint32_t> serials;
  for (const nlohmann::json& o : after["caa"][0]["observations"]) {
    if (o["query_name"] == "flip.owned.test") serials.insert(o["zone_serial"].get<uint32_t>());
  }
  EXPECT_EQ(serials.size(), 2u) << after.dump();

  // `caawatch caa check --at` judges a name nobody looked up by the zone's records too.
  const auto check_at = [&](absl::Time at) {
    return Cli({"caa", "check", "x.flip.owned.test", "--issuer", "letsencrypt.org", "--at",
                absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone()), "--config",
                config, "--json"});
  };
  const CommandResult before_change = check_at(following + (changed - following) / 2);
  EXPECT_EQ(before_change.exit_code, 1) << before_change.out << before_change.err;
  EXPECT_TRUE(absl::StrContains(before_change.out, "\"forbidden\"")) << before_change.out;
  const CommandResult after_change = check_at(absl::Now());
  EXPECT_EQ(after_change.exit_code, 0) << after_change.out << after_change.err;
  // So does gRPC CheckCaa with a time, on the running monitor.
  const auto grpc_check_at = [&](absl::Time at) {
    v1::CheckCaaRequest request;
    request.add_names("x.flip.owned.test");
    request.add_issuer_domains("letsencrypt.org");
    request.set_at(absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", at, absl::UTCTimeZone()));
    grpc::ClientContext call;
    call.set_deadline(In(30));
    v1::CheckCaaResponse response;
    const grpc::Status status = stub->CheckCaa(&call, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    return response;
  };
  const v1::CheckCaaResponse grpc_before = grpc_check_at(following + (changed - following) / 2);
  EXPECT_EQ(grpc_before.verdict(), v1::FORBIDDEN) << grpc_before.DebugString();
  ASSERT_EQ(grpc_before.names_size(), 1);
  EXPECT_EQ(grpc_before.names(0).basis(), "zone") << grpc_before.DebugString();
  EXPECT_EQ(grpc_before.names(0).relevant_name(), "flip.owned.test");
  const v1::CheckCaaResponse grpc_after = grpc_check_at(absl::Now());
  EXPECT_EQ(grpc_after.verdict(), v1::PERMITTED) << grpc_after.DebugString();

  monitor.Signal(SIGTERM);
  std::optional<int> code = monitor.Wait(absl::Seconds(30));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0) << monitor.Stderr();
}

// The flags for the common case are checked as the configuration key is, before anything
// starts.
TEST_F(ZoneFollowEndToEndTest, FollowZoneFlagsAreChecked) {
  const CommandResult no_primary =
      testing::RunCommand(RunArgs({"--once", "--follow-zone", "owned.test"}), dir());
  EXPECT_NE(no_primary.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(no_primary.err, "--follow-zone")) << no_primary.err;
  const CommandResult bad_key =
      testing::RunCommand(RunArgs({"--once", "--follow-zone", "owned.test@127.0.0.1",
                                   "--follow-zone-key", absl::StrCat("k:", dir(), "/missing.key")}),
                          dir());
  EXPECT_NE(bad_key.exit_code, 0);
  EXPECT_TRUE(absl::StrContains(bad_key.err, "missing.key")) << bad_key.err;
}

}  // namespace
}  // namespace caawatch
