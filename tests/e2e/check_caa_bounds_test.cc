// CheckCaa against `caawatch run` cannot hold the daemon in DNS lookups (issue 15): a call
// with more names than a certificate can have is refused at once, and a call whose lookups do
// not answer ends at the daemon's time limit with DEADLINE_EXCEEDED, not at the caller's.
#include <grpcpp/grpcpp.h>
#include <signal.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/dns/dns_fault_proxy.h"

namespace caawatch {
namespace {

using testing::Subprocess;

using CheckCaaBoundsTest = testing::EndToEndFixture;

TEST_F(CheckCaaBoundsTest, TooManyNamesAreRefusedAndUnansweredLookupsEndAtTheTimeLimit) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 10, .plants = {}});
  int knot_port = 0;
  ASSERT_TRUE(absl::SimpleAtoi(std::vector<std::string>(absl::StrSplit(dns_server(), ':')).back(),
                               &knot_port));
  absl::StatusOr<std::unique_ptr<fakes::DnsFaultProxy>> proxy =
      fakes::DnsFaultProxy::Start(knot_port);
  ASSERT_TRUE(proxy.ok()) << proxy.status();
  constexpr int kSlowNames = 100;  // As many as one call may ask; none gets an answer.
  for (int i = 0; i < kSlowNames; ++i) {
    (*proxy)->SetFault(absl::StrCat("slow", i, ".allowed.test"), fakes::DnsFault::kDrop);
  }
  const int port = testing::FreeTcpPort();
  // One attempt of a second per lookup: unbounded, the slow call would take 100 s.
  const std::string config = WriteFile(
      "config.json", R"({"dns_timeout": "1s", "dns_retries": 0, "dns_tcp_fallback": false})");
  std::vector<std::string> args =
      RunArgs({"--grpc-listen", absl::StrCat("127.0.0.1:", port), "--config", config});
  for (size_t i = 0; i + 1 < args.size(); ++i) {
    if (args[i] == "--dns-server") args[i + 1] = (*proxy)->address();
  }
  Subprocess monitor(args, dir());
  std::unique_ptr<v1::Monitor::Stub> stub = ConnectMonitor(port, monitor);
  ASSERT_NE(stub, nullptr);

  {  // 5,000 names (issue 15 kept the daemon 48 s in lookups with them): refused at once.
    v1::CheckCaaRequest request;
    for (int i = 0; i < 5000; ++i) request.add_names(absl::StrCat("n", i, ".allowed.test"));
    request.add_issuer_domains("letsencrypt.org");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::CheckCaaResponse response;
    const grpc::Status status = stub->CheckCaa(&context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_TRUE(absl::StrContains(status.error_message(), "more than 100 names"))
        << status.error_message();
  }
  {  // 100 names whose lookups are never answered: the daemon stops at its own limit.
    v1::CheckCaaRequest request;
    for (int i = 0; i < kSlowNames; ++i)
      request.add_names(absl::StrCat("slow", i, ".allowed.test"));
    request.add_issuer_domains("letsencrypt.org");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(60));
    v1::CheckCaaResponse response;
    const absl::Time start = absl::Now();
    const grpc::Status status = stub->CheckCaa(&context, request, &response);
    const absl::Duration took = absl::Now() - start;
    EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED) << status.error_message();
    EXPECT_TRUE(absl::StrContains(status.error_message(), "CAA check out of time"))
        << "not the daemon's own limit: " << status.error_message();
    EXPECT_LT(took, absl::Seconds(45)) << "the call held the daemon for " << took;
  }
  {  // The daemon still answers checks that fit.
    v1::CheckCaaRequest request;
    request.add_names("www.allowed.test");
    request.add_issuer_domains("letsencrypt.org");
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    v1::CheckCaaResponse response;
    const grpc::Status status = stub->CheckCaa(&context, request, &response);
    ASSERT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.verdict(), v1::PERMITTED);
  }
  monitor.Signal(SIGTERM);
  EXPECT_EQ(monitor.Wait(absl::Seconds(30)), 0) << monitor.Stderr();
}

}  // namespace
}  // namespace caawatch
