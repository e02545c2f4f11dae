#include "server/grpc_server.h"

#include <openssl/crypto.h>

#include <fstream>
#include <map>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "ctlog/sha256.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpcpp/health_check_service_interface.h"
#include "grpcpp/security/auth_metadata_processor.h"
#include "grpcpp/security/server_credentials.h"
#include "grpcpp/server_builder.h"
#include "server/listen_address.h"

namespace caawatch::server {
namespace {

// A certificate chain or a key is a few KiB.
constexpr size_t kMaxPemFileBytes = size_t{1} << 20;

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view what) {
  CAAWATCH_ASSIGN_OR_RETURN(std::string pem, ReadBoundedFile(path, kMaxPemFileBytes, what));
  if (pem.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(what, " ", QuoteInput(path), ": empty"));
  }
  return pem;
}

// Checks "authorization: Bearer T" against the configured tokens. Compares SHA-256 digests
// with CRYPTO_memcmp so neither content nor length leaks through timing. Never logs tokens.
class BearerTokenProcessor final : public grpc::AuthMetadataProcessor {
 public:
  explicit BearerTokenProcessor(const std::vector<std::string>& tokens) {
    for (const std::string& t : tokens) digests_.push_back(ctlog::Sha256(t));
  }
  bool IsBlocking() const override { return false; }  // Pure computation.

  grpc::Status Process(const InputMetadata& auth_metadata, grpc::AuthContext* context,
                       OutputMetadata* consumed_auth_metadata,
                       OutputMetadata* response_metadata) override {
    auto it = auth_metadata.find("authorization");
    if (it == auth_metadata.end()) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "missing bearer token");
    }
    absl::string_view value(it->second.data(), it->second.length());
    constexpr absl::string_view kPrefix = "Bearer ";
    if (!absl::StartsWithIgnoreCase(value, kPrefix)) {
      return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "authorization is not a bearer token");
    }
    const ctlog::Sha256Hash presented = ctlog::Sha256(value.substr(kPrefix.size()));
    bool match = false;
    for (const ctlog::Sha256Hash& d : digests_) {  // No early exit: every token is compared.
      match |= CRYPTO_memcmp(d.data(), presented.data(), d.size()) == 0;
    }
    if (!match) return grpc::Status(grpc::StatusCode::UNAUTHENTICATED, "bad bearer token");
    consumed_auth_metadata->emplace("authorization", std::string(value));
    return grpc::Status::OK;
  }

 private:
  std::vector<ctlog::Sha256Hash> digests_;
};

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(
    const GrpcServerOptions& options) {
  const bool tls = !options.tls_cert_file.empty() || !options.tls_key_file.empty();
  if (!tls) {
    if (!options.bearer_tokens.empty() || !options.client_ca_file.empty()) {
      return absl::InvalidArgumentError("bearer tokens and client certificates need TLS");
    }
    if (!IsLoopbackListenAddress(options.listen)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing to listen on ", options.listen,
          " without TLS: a non-loopback address needs a TLS certificate and key plus a bearer "
          "token or a client CA (mTLS)"));
    }
    return grpc::InsecureServerCredentials();
  }
  if (options.tls_cert_file.empty() || options.tls_key_file.empty()) {
    return absl::InvalidArgumentError("TLS needs both a certificate and a key file");
  }
  if (!IsLoopbackListenAddress(options.listen) && options.bearer_tokens.empty() &&
      options.client_ca_file.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "refusing to listen on ", options.listen,
        " without client authentication: configure a bearer token or a client CA (mTLS)"));
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  CAAWATCH_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(options.tls_cert_file, "TLS certificate"));
  CAAWATCH_ASSIGN_OR_RETURN(pair.private_key, ReadPem(options.tls_key_file, "TLS key"));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!options.client_ca_file.empty()) {
    CAAWATCH_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(options.client_ca_file, "client CA"));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  std::shared_ptr<grpc::ServerCredentials> creds = grpc::SslServerCredentials(ssl);
  if (!options.bearer_tokens.empty()) {
    creds->SetAuthMetadataProcessor(std::make_shared<BearerTokenProcessor>(options.bearer_tokens));
  }
  return creds;
}

}  // namespace

bool IsLoopbackListenAddress(absl::string_view listen) {
  if (absl::StartsWith(listen, "unix:")) return true;
  absl::string_view host = listen;
  if (absl::StartsWith(host, "[")) {
    size_t close = host.find(']');
    if (close == absl::string_view::npos) return false;
    host = host.substr(1, close - 1);
  } else {
    size_t colon = host.rfind(':');
    if (colon != absl::string_view::npos) host = host.substr(0, colon);
  }
  if (absl::EqualsIgnoreCase(host, "localhost") || host == "::1") return true;
  std::vector<absl::string_view> octets = absl::StrSplit(host, '.');
  if (octets.size() != 4 || octets[0] != "127") return false;
  for (absl::string_view o : octets) {
    int value = 0;
    if (!absl::SimpleAtoi(o, &value) || value < 0 || value > 255) return false;
  }
  return true;
}

absl::StatusOr<GrpcServerHandle> StartGrpcServer(const GrpcServerOptions& options,
                                                 grpc::Service* service) {
  CAAWATCH_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> creds, Credentials(options));
  // Both are process-wide switches in gRPC; they must be set before the builder runs.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();

  GrpcServerHandle handle;
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, creds, &handle.port);
  builder.RegisterService(service);
  builder.SetMaxReceiveMessageSize(options.max_receive_bytes);
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS,
                             static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_time)));
  builder.AddChannelArgument(
      GRPC_ARG_KEEPALIVE_TIMEOUT_MS,
      static_cast<int>(absl::ToInt64Milliseconds(options.keepalive_timeout)));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_PERMIT_WITHOUT_CALLS, 1);
  // gRPC shares ports by default (SO_REUSEPORT): a second monitor on the same address would
  // start, and clients would reach either one at random. The bind fails instead.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  // Idle subscribers' clients ping to keep NATs open; let them, but not abusively.
  builder.AddChannelArgument(GRPC_ARG_HTTP2_MIN_RECV_PING_INTERVAL_WITHOUT_DATA_MS, 10000);
  handle.server = builder.BuildAndStart();
  if (handle.server == nullptr ||
      (handle.port == 0 && !absl::StartsWith(options.listen, "unix:"))) {
    if (handle.server != nullptr) handle.server->Shutdown();
    const std::string why = WhyNotBindable(options.listen);
    return absl::UnavailableError(absl::StrCat("cannot listen on ", options.listen,
                                               why.empty() ? "" : absl::StrCat(": ", why)));
  }
  handle.address = BoundAddress(options.listen, handle.port);
  return handle;
}

}  // namespace caawatch::server
