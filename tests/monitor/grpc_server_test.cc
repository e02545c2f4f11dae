// The server builder's security rules over real TLS: loopback-only plaintext, tokens checked
// on a real channel with a certificate made here with OpenSSL.
#include "monitor/grpc_server.h"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

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
#include "monitor/alert_hub.h"
#include "monitor/service.h"
#include "store/finding_store.h"

namespace caawatch::monitor {
namespace {

std::chrono::system_clock::time_point Deadline() {
  return std::chrono::system_clock::now() + std::chrono::seconds(20);
}

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "grpc_server_test_XXXXXX").string();
  return mkdtemp(tmpl.data());
}

// A self-signed P-256 certificate for "localhost" and 127.0.0.1, made with OpenSSL.
struct TestTls {
  std::string cert_pem;
  std::string key_pem;
};

TestTls MakeTestTls() {
  TestTls tls;
  EVP_PKEY* key = EVP_EC_gen("P-256");
  X509* x509 = X509_new();
  X509_set_version(x509, 2);
  ASN1_INTEGER_set(X509_get_serialNumber(x509), 1);
  X509_gmtime_adj(X509_getm_notBefore(x509), -3600);
  X509_gmtime_adj(X509_getm_notAfter(x509), 3600);
  X509_set_pubkey(x509, key);
  X509_NAME* name = X509_get_subject_name(x509);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_set_issuer_name(x509, name);
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, x509, x509, nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
  X509_add_ext(x509, san, -1);
  X509_EXTENSION_free(san);
  X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &ctx, NID_basic_constraints, "CA:FALSE");
  X509_add_ext(x509, bc, -1);
  X509_EXTENSION_free(bc);
  X509_sign(x509, key, EVP_sha256());
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_X509(bio, x509);
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  tls.cert_pem.assign(data, len);
  BIO_free(bio);
  bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  len = BIO_get_mem_data(bio, &data);
  tls.key_pem.assign(data, len);
  BIO_free(bio);
  X509_free(x509);
  EVP_PKEY_free(key);
  return tls;
}

void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary) << content;
}

class GrpcServerSecurityTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDir();
    absl::StatusOr<std::unique_ptr<store::FindingStore>> store = store::FindingStore::Open(dir_);
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    MonitorServiceOptions options;
    options.store = store_.get();
    options.hub = &hub_;
    options.clock = &clock_;
    service_ = std::make_unique<MonitorService>(options);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<store::FindingStore> store_;
  AlertHub hub_;
  FakeClock clock_{absl::FromUnixSeconds(1764345600)};
  std::unique_ptr<MonitorService> service_;
};

TEST_F(GrpcServerSecurityTest, RefusesAnyAddressWithoutTlsAndToken) {
  GrpcServerOptions options;
  options.listen = "0.0.0.0:0";
  absl::StatusOr<GrpcServerHandle> plain = StartGrpcServer(options, service_.get());
  EXPECT_EQ(plain.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(plain.status().message().find("0.0.0.0:0"), std::string::npos);

  TestTls tls = MakeTestTls();
  WriteFile(dir_ + "/cert.pem", tls.cert_pem);
  WriteFile(dir_ + "/key.pem", tls.key_pem);
  options.tls_cert_file = dir_ + "/cert.pem";
  options.tls_key_file = dir_ + "/key.pem";
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
  TestTls tls = MakeTestTls();
  WriteFile(dir_ + "/cert.pem", tls.cert_pem);
  WriteFile(dir_ + "/key.pem", tls.key_pem);
  GrpcServerOptions options;
  options.listen = "127.0.0.1:0";
  options.tls_cert_file = dir_ + "/cert.pem";
  options.tls_key_file = dir_ + "/key.pem";
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
}  // namespace caawatch::monitor
