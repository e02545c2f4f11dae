// SPEC §4: off loopback the gRPC server needs TLS and client authentication. `caawatch run`
// listens on this machine's non-loopback address with a self-signed certificate and a tokens
// file; real gRPC clients over TLS are refused without the right bearer token and served with
// it. 127.0.0.2 would not do: all of 127.0.0.0/8 counts as loopback.
#include <arpa/inet.h>
#include <grpcpp/grpcpp.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <signal.h>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "proto/caawatch/v1/monitor.grpc.pb.h"
#include "tests/e2e/e2e_fixture.h"
#include "tests/e2e/subprocess.h"
#include "tests/fakes/self_signed_tls.h"

namespace caawatch {
namespace {

using testing::Subprocess;

constexpr char kToken[] = "s3cret-token";

// The first IPv4 address of an interface that is up and not loopback; "" if there is none.
std::string NonLoopbackIpv4() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* a = list; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_LOOPBACK) != 0 || (a->ifa_flags & IFF_UP) == 0) continue;
    char text[INET_ADDRSTRLEN];
    const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text)) != nullptr) found = text;
  }
  freeifaddrs(list);
  return found;
}

std::chrono::system_clock::time_point Deadline(int seconds) {
  return std::chrono::system_clock::now() + std::chrono::seconds(seconds);
}

class GrpcAuthTest : public testing::EndToEndFixture {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(EndToEndFixture::SetUp());
    ip_ = NonLoopbackIpv4();
    if (ip_.empty()) {
      GTEST_SKIP() << "this machine has no non-loopback IPv4 address to listen on; every "
                      "127.0.0.0/8 address is loopback, where plaintext is allowed";
    }
    target_ = absl::StrCat(ip_, ":", testing::FreeTcpPort());
    absl::StatusOr<fakes::SelfSignedTls> tls = fakes::MakeSelfSignedTls(absl::StrCat("IP:", ip_));
    ASSERT_TRUE(tls.ok()) << tls.status();
    tls_ = *std::move(tls);
  }

  // A `caawatch run` config serving gRPC on target_ with `grpc` keys added.
  std::string Config(nlohmann::json grpc) const {
    grpc["grpc_listen"] = target_;
    grpc["sth_poll_interval"] = "250ms";
    return WriteFile("config.json", grpc.dump());
  }

  std::unique_ptr<v1::Monitor::Stub> TlsStub(const std::string& token) const {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls_.cert_pem;
    std::shared_ptr<grpc::ChannelCredentials> creds = grpc::SslCredentials(ssl);
    if (!token.empty()) {
      creds = grpc::CompositeChannelCredentials(creds, grpc::AccessTokenCredentials(token));
    }
    return v1::Monitor::NewStub(grpc::CreateChannel(target_, creds));
  }

  // The first alert of a Subscribe from the start, or the status that ended the stream.
  static grpc::Status FirstAlert(v1::Monitor::Stub* stub, v1::Alert* alert) {
    grpc::ClientContext context;
    context.set_deadline(Deadline(60));
    auto reader = stub->Subscribe(&context, v1::SubscribeRequest());
    if (reader->Read(alert)) {
      context.TryCancel();
      reader->Finish().IgnoreError();
      return grpc::Status::OK;
    }
    return reader->Finish();
  }

  std::string ip_;
  std::string target_;
  fakes::SelfSignedTls tls_;
};

TEST_F(GrpcAuthTest, NonLoopbackServerRefusesClientsWithoutTheTokenAndServesTheValidOne) {
  std::unique_ptr<Subprocess> log =
      StartLog({.noise = 50, .plants = {"--plant", "www.forbidden.test:letsencrypt"}});
  const std::string config =
      Config({{"grpc_tls_cert", WriteFile("cert.pem", tls_.cert_pem)},
              {"grpc_tls_key", WriteFile("key.pem", tls_.key_pem)},
              {"grpc_tokens_file", WriteFile("tokens", absl::StrCat("# subscribers\n", kToken))}});
  Subprocess monitor(RunArgs({"--config", config}), dir());

  // The TLS handshake needs no token: connecting tells us the server is up.
  auto channel = grpc::CreateChannel(target_, [&] {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = tls_.cert_pem;
    return grpc::SslCredentials(ssl);
  }());
  ASSERT_TRUE(channel->WaitForConnected(Deadline(60))) << monitor.Stderr();

  v1::Alert alert;
  grpc::Status no_token = FirstAlert(TlsStub("").get(), &alert);
  EXPECT_EQ(no_token.error_code(), grpc::StatusCode::UNAUTHENTICATED) << no_token.error_message();
  grpc::Status wrong = FirstAlert(TlsStub("s3cret-tokem").get(), &alert);
  EXPECT_EQ(wrong.error_code(), grpc::StatusCode::UNAUTHENTICATED) << wrong.error_message();
  {
    // Plaintext to the TLS port gets no answer at all.
    auto plain =
        v1::Monitor::NewStub(grpc::CreateChannel(target_, grpc::InsecureChannelCredentials()));
    grpc::ClientContext context;
    context.set_deadline(Deadline(10));
    v1::GetStatusResponse status;
    EXPECT_FALSE(plain->GetStatus(&context, v1::GetStatusRequest(), &status).ok());
  }

  grpc::Status valid = FirstAlert(TlsStub(kToken).get(), &alert);
  ASSERT_TRUE(valid.ok()) << valid.error_message() << "\n" << monitor.Stderr();
  EXPECT_EQ(alert.finding().watched_names(0), "www.forbidden.test");
  grpc::ClientContext context;
  context.set_deadline(Deadline(20));
  v1::GetStatusResponse status;
  EXPECT_TRUE(TlsStub(kToken)->GetStatus(&context, v1::GetStatusRequest(), &status).ok());
  EXPECT_EQ(status.logs_size(), 1);

  monitor.Signal(SIGTERM);
  EXPECT_EQ(monitor.Wait(absl::Seconds(30)), 0) << monitor.Stderr();
}

TEST_F(GrpcAuthTest, NonLoopbackServerWithoutTlsAndClientAuthenticationDoesNotStart) {
  std::unique_ptr<Subprocess> log = StartLog({.noise = 0, .plants = {}});
  const testing::CommandResult plain =
      testing::RunCommand(RunArgs({"--config", Config({})}), dir(), absl::Seconds(60));
  EXPECT_NE(plain.exit_code, 0);
  EXPECT_NE(plain.err.find("refusing to listen on " + target_), std::string::npos) << plain.err;

  const testing::CommandResult tls_only = testing::RunCommand(
      RunArgs({"--config", Config({{"grpc_tls_cert", WriteFile("cert.pem", tls_.cert_pem)},
                                   {"grpc_tls_key", WriteFile("key.pem", tls_.key_pem)}})}),
      dir(), absl::Seconds(60));
  EXPECT_NE(tls_only.exit_code, 0);
  EXPECT_NE(tls_only.err.find("without client authentication"), std::string::npos) << tls_only.err;
}

}  // namespace
}  // namespace caawatch
