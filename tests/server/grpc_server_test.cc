// The server builder's security rules over real TLS: loopback-only plaintext, tokens checked
// on a real channel with a self-signed certificate made with OpenSSL (tests/fakes).
#include "server/grpc_server.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "base/clock.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "gtest/gtest.h"
#include "judge/alert_hub.h"
#include "server/service.h"
#include "store/store.h"
#include "tests/fakes/self_signed_tls.h"
#include "tests/server/service_fixture.h"

namespace caawatch::server {
namespace {

// A self-signed certificate for "localhost" and 127.0.0.1.
fakes::SelfSignedTls MakeTestTls() {
  absl::StatusOr<fakes::SelfSignedTls> tls = fakes::MakeSelfSignedTls("DNS:localhost,IP:127.0.0.1");
  EXPECT_TRUE(tls.ok()) << tls.status();
  return tls.value_or(fakes::SelfSignedTls{});
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

class GrpcServerSecurityTest : public ServiceFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(ServiceFixture::SetUp());
    service_ = std::make_unique<MonitorService>(BaseServiceOptions());
  }
  std::unique_ptr<MonitorService> service_;
};

TEST_F(GrpcServerSecurityTest, RefusesAnyAddressWithoutTlsAndToken) {
  GrpcServerOptions options;
  options.listen = "0.0.0.0:0";
  absl::StatusOr<GrpcServerHandle> plain = StartGrpcServer(options, service_.get());
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(plain.status().message().find("0.0.0.0:0"), std::string::npos);

  fakes::SelfSignedTls tls = MakeTestTls();
  WriteFile((dir_ / "cert.pem").string(), tls.cert_pem);
  WriteFile((dir_ / "key.pem").string(), tls.key_pem);
  options.tls_cert_file = (dir_ / "cert.pem").string();
  options.tls_key_file = (dir_ / "key.pem").string();
  options.listen = "[::]:0";
  EXPECT_EQ(StartGrpcServer(options, service_.get()).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "TLS alone does not authenticate clients";
  options.listen = "127.0.0.1:0";
  options.tls_key_file.clear();
  EXPECT_EQ(StartGrpcServer(options, service_.get()).status().code(),
            absl::StatusCode::kInvalidArgument)
      << "half a key pair";
}

TEST_F(GrpcServerSecurityTest, SecondServerOnAPortInUseIsRefusedSayingSo) {
  GrpcServerOptions options;
  options.listen = "127.0.0.1:0";
  absl::StatusOr<GrpcServerHandle> first = StartGrpcServer(options, service_.get());
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->address, absl::StrCat("127.0.0.1:", first->port));

  // gRPC would share the port (SO_REUSEPORT) and split the clients between the two.
  options.listen = first->address;
  absl::StatusOr<GrpcServerHandle> second = StartGrpcServer(options, service_.get());
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(second.status().message(), absl::StrCat("cannot listen on ", first->address,
                                                    ": the address is in use by another process"));
  first->server->Shutdown();
}

TEST(GrpcServerAddressTest, KnowsLoopbackAddresses) {
  EXPECT_TRUE(IsLoopbackListenAddress("127.0.0.1:7443"));
  EXPECT_TRUE(IsLoopbackListenAddress("127.8.9.10:1"));
  EXPECT_TRUE(IsLoopbackListenAddress("[::1]:7443"));
  EXPECT_TRUE(IsLoopbackListenAddress("localhost:7443"));
  EXPECT_TRUE(IsLoopbackListenAddress("unix:/run/caawatch.sock"));
  EXPECT_FALSE(IsLoopbackListenAddress("0.0.0.0:7443"));
  EXPECT_FALSE(IsLoopbackListenAddress("[::]:7443"));
  EXPECT_FALSE(IsLoopbackListenAddress("192.0.2.1:7443"));
  EXPECT_FALSE(IsLoopbackListenAddress("127.0.0.1.example.com:7443"));
}

TEST_F(GrpcServerSecurityTest, TokenProtectedServerAcceptsOnlyTheRightToken) {
  fakes::SelfSignedTls tls = MakeTestTls();
  WriteFile((dir_ / "cert.pem").string(), tls.cert_pem);
  WriteFile((dir_ / "key.pem").string(), tls.key_pem);
  GrpcServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert_file = (dir_ / "cert.pem").string();
  options.tls_key_file = (dir_ / "key.pem").string();
  options.bearer_tokens = {"first-token", "s3cret-token"};
  absl::StatusOr<GrpcServerHandle> handle = StartGrpcServer(options, service_.get());
  ASSERT_TRUE(handle.ok()) << handle.status();

  auto call_with = [&](const std::string& token) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls.cert_pem;
    std::shared_ptr<grpc::ChannelCredentials> creds = grpc::SslCredentials(ssl);
    if (!token.empty()) {
      creds = grpc::CompositeChannelCredentials(creds, grpc::AccessTokenCredentials(token));
    }
    grpc::ChannelArguments args;
    args.SetSslTargetNameOverride("localhost");
    std::unique_ptr<v1::Monitor::Stub> stub = v1::Monitor::NewStub(
        grpc::CreateCustomChannel(absl::StrCat("127.0.0.1:", handle->port), creds, args));
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    v1::GetStatusResponse response;
    return stub->GetStatus(&context, v1::GetStatusRequest(), &response).error_code();
  };
  EXPECT_EQ(call_with(""), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call_with("s3cret-tokem"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call_with("s3cret"), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_EQ(call_with("s3cret-token"), grpc::StatusCode::OK);
  EXPECT_EQ(call_with("first-token"), grpc::StatusCode::OK);
  handle->server->Shutdown(std::chrono::system_clock::now());
}

}  // namespace
}  // namespace caawatch::server
