#include "monitor/peer_heads.h"

#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "base/bounded_file.h"
#include "base/quoted_input.h"
#include "base/status_macros.h"
#include "caawatch/v1/monitor.grpc.pb.h"
#include "grpcpp/client_context.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "monitor/api_address.h"
#include "monitor/heads_compare.h"

namespace caawatch::monitor {
namespace {

// A CA certificate or a bearer token is a few KiB.
constexpr size_t kMaxCredentialFileBytes = size_t{1} << 20;

absl::StatusOr<std::shared_ptr<grpc::ChannelCredentials>> Credentials(absl::string_view address,
                                                                      const MonitorConfig& config) {
  if (config.heads_peer_tls_ca.empty()) {
    if (!config.heads_peer_token_file.empty()) {
      return absl::InvalidArgumentError(
          "heads_peer_token_file: a bearer token is only sent over TLS (set heads_peer_tls_ca)");
    }
    if (!IsLoopbackAddress(address)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "refusing plaintext gRPC to ", QuoteInput(address), ": set heads_peer_tls_ca"));
    }
    return grpc::InsecureChannelCredentials();
  }
  grpc::SslCredentialsOptions ssl;
  CAAWATCH_ASSIGN_OR_RETURN(
      ssl.pem_root_certs,
      ReadBoundedFile(config.heads_peer_tls_ca, kMaxCredentialFileBytes, "heads_peer_tls_ca"));
  std::shared_ptr<grpc::ChannelCredentials> creds = grpc::SslCredentials(ssl);
  if (config.heads_peer_token_file.empty()) return creds;
  CAAWATCH_ASSIGN_OR_RETURN(std::string token,
                            ReadBoundedFile(config.heads_peer_token_file, kMaxCredentialFileBytes,
                                            "heads_peer_token_file"));
  token = std::string(absl::StripAsciiWhitespace(token));
  return grpc::CompositeChannelCredentials(creds, grpc::AccessTokenCredentials(token));
}

absl::StatusOr<std::string> ListHeads(absl::string_view address, const MonitorConfig& config) {
  CAAWATCH_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ChannelCredentials> creds,
                            Credentials(address, config));
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(static_cast<int>(kMaxHeadsTextBytes));
  auto stub = v1::Monitor::NewStub(grpc::CreateCustomChannel(std::string(address), creds, args));
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
  v1::ListHeadsRequest request;
  v1::ListHeadsResponse response;
  const grpc::Status status = stub->ListHeads(&context, request, &response);
  if (!status.ok()) {
    return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                        absl::StrCat("ListHeads at ", QuoteInput(address), ": ",
                                     QuoteInput(status.error_message())));
  }
  // As `caawatch heads` prints them: one note after the other, a blank line between.
  std::string text;
  for (const v1::LogHead& head : response.heads()) {
    if (!text.empty()) text += "\n";
    text += head.note();
  }
  return text;
}

}  // namespace

bool IsGrpcPeer(absl::string_view source) { return absl::StartsWith(source, kGrpcPeerScheme); }

absl::StatusOr<std::string> ReadPeerHeads(const std::string& source, const MonitorConfig& config) {
  absl::string_view address = source;
  if (!absl::ConsumePrefix(&address, kGrpcPeerScheme)) return ReadHeadsText(source, config);
  if (address.empty()) {
    return absl::InvalidArgumentError("grpc:// needs an address: grpc://HOST:PORT");
  }
  return ListHeads(address, config);
}

}  // namespace caawatch::monitor
