// The calls that may block run off gRPC's callback threads (server/call_workers.h): while
// CheckCaa calls hang in DNS lookups that a server never answers (a real resolver asking a DNS
// proxy that drops the queries), every other call on the same server still answers, over a
// real gRPC channel.
#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "base/clock.h"
#include "caa/unbound_resolver.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "ctlog/sha256.h"
#include "grpcpp/create_channel.h"
#include "gtest/gtest.h"
#include "judge/alert_hub.h"
#include "judge/caa_check.h"
#include "server/caa_check_service.h"
#include "server/grpc_server.h"
#include "server/service.h"
#include "store/store.h"
#include "tests/fakes/dns/dns_fault_proxy.h"
#include "tests/server/service_fixture.h"

namespace caawatch::server {
namespace {

// One lookup attempt of the stuck calls: long enough that the other calls, answered in
// milliseconds, never have to race it.
constexpr absl::Duration kLookupTimeout = absl::Seconds(5);
// A call waits out the stuck lookups before it: more time than other tests' calls get.
constexpr std::chrono::seconds kCallTime(60);

// One CheckCaa in flight on the callback API, and how it ended.
struct PendingCheck {
  grpc::ClientContext context;
  v1::CheckCaaRequest request;
  v1::CheckCaaResponse response;
  grpc::Status status;
};

class OffReactorTest : public ServiceFixture {
 public:
  // Public for absl::Condition in the test bodies (subclasses).
  bool AllEnded() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return ended_ == static_cast<int>(checks_.size());
  }

 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceFixture::SetUp());
    // Nothing listens upstream: every name asked is dropped before it would be forwarded.
    absl::StatusOr<std::unique_ptr<fakes::DnsFaultProxy>> proxy = fakes::DnsFaultProxy::Start(9);
    ASSERT_TRUE(proxy.ok()) << proxy.status();
    proxy_ = *std::move(proxy);
    for (const char* name : {"example.test", "test"}) {
      proxy_->SetFault(name, fakes::DnsFault::kDrop);
    }
    caa::ResolverOptions resolver_options;
    resolver_options.servers = {proxy_->address()};
    resolver_options.dnssec = false;
    resolver_options.timeout = kLookupTimeout;
    resolver_options.retries = 0;
    resolver_options.tcp_fallback = false;
    absl::StatusOr<std::unique_ptr<caa::UnboundResolver>> resolver =
        caa::UnboundResolver::Create(resolver_options, &clock_);
    ASSERT_TRUE(resolver.ok()) << resolver.status();
    resolver_ = *std::move(resolver);
    checker_ = std::make_unique<judge::CaaChecker>(resolver_.get(), &store_->caa_history());
    backend_ = std::make_unique<CaaCheckService>(checker_.get());

    MonitorServiceOptions options = BaseServiceOptions();
    options.caa_backend = backend_.get();
    options.on_watch_changed = [] { return absl::OkStatus(); };
    // One check runs, one waits, the rest are refused.
    options.check_caa_workers = {.threads = 1, .max_queued = 1};
    service_ = std::make_unique<MonitorService>(options);
    GrpcServerOptions grpc_options;
    grpc_options.listen = "127.0.0.1:0";
    absl::StatusOr<GrpcServerHandle> handle = StartGrpcServer(grpc_options, service_.get());
    ASSERT_TRUE(handle.ok()) << handle.status();
    server_ = std::move(handle->server);
    stub_ = v1::Monitor::NewStub(grpc::CreateChannel(absl::StrCat("127.0.0.1:", handle->port),
                                                     grpc::InsecureChannelCredentials()));
  }

  void TearDown() override {
    if (server_ != nullptr) {
      // The running check ends with its lookup; the waiting one sees its call cancelled.
      server_->Shutdown(std::chrono::system_clock::now());
    }
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(this, &OffReactorTest::AllEnded));
    }
    server_.reset();
    service_.reset();
  }

  // Starts a CheckCaa for `name` (whose lookups are dropped) without waiting for it.
  void StartStuckCheck(const std::string& name) {
    proxy_->SetFault(name, fakes::DnsFault::kDrop);
    PendingCheck* check;
    {
      absl::MutexLock lock(&mu_);
      check = &checks_.emplace_back();
    }
    check->context.set_deadline(Deadline(kCallTime));
    check->request.add_names(name);
    check->request.add_issuer_domains("letsencrypt.org");
    stub_->async()->CheckCaa(
        &check->context, &check->request, &check->response, [this, check](grpc::Status status) {
          absl::MutexLock lock(&mu_);
          check->status = std::move(status);
          if (check->status.error_code() != grpc::StatusCode::RESOURCE_EXHAUSTED) {
            ++stuck_returned_;
          }
          ++ended_;
        });
  }

  int StuckReturned() {
    absl::MutexLock lock(&mu_);
    return stuck_returned_;
  }

  void CommitForbiddenFinding() {
    store::FindingRecord record;
    record.set_kind("certificate");
    record.set_verdict("forbidden");
    record.set_severity("critical");
    record.add_names("www.example.com");
    record.add_watched_names("www.example.com");
    ctlog::Sha256Hash tbs = ctlog::Sha256("tbs");
    record.set_tbs_sha256(std::string(tbs.begin(), tbs.end()));
    record.set_recorded_ms(absl::ToUnixMillis(clock_.Now()));
    store::CommitRequest request;
    request.findings.push_back(record);
    ASSERT_TRUE(store_->findings().Commit(std::move(request)).ok());
  }

  std::unique_ptr<fakes::DnsFaultProxy> proxy_;
  std::unique_ptr<caa::UnboundResolver> resolver_;
  std::unique_ptr<judge::CaaChecker> checker_;
  std::unique_ptr<CaaCheckService> backend_;
  std::unique_ptr<MonitorService> service_;
  std::unique_ptr<grpc::Server> server_;
  std::unique_ptr<v1::Monitor::Stub> stub_;
  absl::Mutex mu_;
  std::deque<PendingCheck> checks_ ABSL_GUARDED_BY(mu_);  // A deque: pointers stay valid.
  int ended_ ABSL_GUARDED_BY(mu_) = 0;
  int stuck_returned_ ABSL_GUARDED_BY(mu_) = 0;  // Ended other than refused.
};

TEST_F(OffReactorTest, OtherCallsAnswerWhileCheckCaaCallsHangInDnsLookups) {
  CommitForbiddenFinding();
  // More stuck checks than gRPC has callback threads (it starts at most two per core): before
  // they ran on workers of their own, they held every one of those threads.
  const int stuck = 2 * static_cast<int>(std::max(1u, std::thread::hardware_concurrency())) + 4;
  for (int i = 0; i < stuck; ++i) StartStuckCheck(absl::StrCat("stuck", i, ".example.test"));
  // A lookup has reached the DNS server, so a check is hanging now. (Which checks get a
  // worker depends on the order the calls arrive in.)
  const auto asked = [&] {
    for (int i = 0; i < stuck; ++i) {
      if (proxy_->Queries(absl::StrCat("stuck", i, ".example.test")).udp > 0) return true;
    }
    return false;
  };
  for (int waited = 0; !asked() && waited < 6000; ++waited) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  ASSERT_TRUE(asked()) << "no CheckCaa lookup reached the DNS server in a minute";

  {
    grpc::ClientContext context;
    context.set_deadline(Deadline(kCallTime));
    v1::GetStatusResponse response;
    const grpc::Status status = stub_->GetStatus(&context, v1::GetStatusRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.last_seq(), 1u);
    EXPECT_EQ(StuckReturned(), 0) << "GetStatus answered only after a stuck CheckCaa returned";
  }
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline(kCallTime));
    v1::ListFindingsResponse response;
    const grpc::Status status = stub_->ListFindings(&context, v1::ListFindingsRequest(), &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(response.findings_size(), 1);
    EXPECT_EQ(StuckReturned(), 0) << "ListFindings answered only after a stuck CheckCaa returned";
  }
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline(kCallTime));
    std::unique_ptr<grpc::ClientReader<v1::Alert>> reader =
        stub_->Subscribe(&context, v1::SubscribeRequest());
    v1::Alert alert;
    EXPECT_TRUE(reader->Read(&alert));
    EXPECT_EQ(alert.seq(), 1u);
    EXPECT_EQ(StuckReturned(), 0) << "Subscribe answered only after a stuck CheckCaa returned";
    context.TryCancel();
    reader->Finish();
  }
  {
    grpc::ClientContext context;
    context.set_deadline(Deadline(kCallTime));
    v1::AddWatchRequest request;
    request.mutable_entry()->set_name(".example.org");
    v1::AddWatchResponse response;
    const grpc::Status status = stub_->AddWatch(&context, request, &response);
    EXPECT_TRUE(status.ok()) << status.error_message();
    EXPECT_EQ(StuckReturned(), 0) << "AddWatch answered only after a stuck CheckCaa returned";
  }

  // The checks past the running one and the waiting one were refused at once (one more when
  // the second arrived before the worker took the first); the admitted ones end with their
  // lookups, judged dns_indeterminate.
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(this, &OffReactorTest::AllEnded));
  int refused = 0, judged = 0;
  for (const PendingCheck& c : checks_) {
    if (c.status.error_code() == grpc::StatusCode::RESOURCE_EXHAUSTED) {
      ++refused;
      EXPECT_NE(c.status.error_message().find("too many CheckCaa calls"), std::string::npos)
          << c.status.error_message();
    } else {
      EXPECT_TRUE(c.status.ok()) << c.status.error_message();
      EXPECT_EQ(c.response.verdict(), v1::DNS_INDETERMINATE);
      ++judged;
    }
  }
  EXPECT_GE(judged, 1);
  EXPECT_LE(judged, 2);
  EXPECT_EQ(judged + refused, stuck);
}

}  // namespace
}  // namespace caawatch::server
