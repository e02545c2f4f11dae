// Building and starting the gRPC server (SPEC §4): listen address, TLS or mTLS, bearer tokens,
// the standard health service, server reflection and keepalive.
#ifndef CAAWATCH_SERVER_GRPC_SERVER_H_
#define CAAWATCH_SERVER_GRPC_SERVER_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "grpcpp/impl/codegen/service_type.h"
#include "grpcpp/server.h"

namespace caawatch::server {

struct GrpcServerOptions {
  std::string listen = "127.0.0.1:7443";  // host:port, [v6]:port or unix:PATH; port 0 = any.
  std::string tls_cert_file;              // PEM chain; with tls_key_file enables TLS.
  std::string tls_key_file;
  std::string client_ca_file;              // PEM; requires and verifies client certificates.
  std::vector<std::string> bearer_tokens;  // Accepted "authorization: Bearer T"; needs TLS.
  int max_receive_bytes = 1 << 20;
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration keepalive_timeout = absl::Seconds(20);
};

struct GrpcServerHandle {
  std::unique_ptr<grpc::Server> server;
  int port = 0;         // The bound TCP port (the chosen one when listen asked for 0); 0 for unix:.
  std::string address;  // The listen address with the bound port (server/listen_address.h).
};

// Whether `listen`'s host is a loopback address (127.0.0.0/8, ::1, localhost) or a unix
// socket.
bool IsLoopbackListenAddress(absl::string_view listen);

// Starts serving `service` (which must outlive the server). Stop with
// server->Shutdown(deadline): open Subscribe streams never end on their own and are cancelled
// at the deadline.
// Errors: kInvalidArgument for a non-loopback address without TLS and (a bearer token or
// client_ca_file), tokens without TLS, half a key pair, or an unreadable/empty PEM file;
// kUnavailable when the address cannot be bound (in use by another process, as a second
// monitor on the same port: ports are never shared), saying why.
[[nodiscard]] absl::StatusOr<GrpcServerHandle> StartGrpcServer(const GrpcServerOptions& options,
                                                               grpc::Service* service);

}  // namespace caawatch::server

#endif  // CAAWATCH_SERVER_GRPC_SERVER_H_
