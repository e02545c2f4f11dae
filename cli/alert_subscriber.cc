#include "cli/alert_subscriber.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpcpp/create_channel.h"
#include "grpcpp/security/credentials.h"
#include "grpcpp/support/channel_arguments.h"
#include "monitor/api_address.h"

namespace caawatch::cli {
namespace {

bool Retryable(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::UNAUTHENTICATED:
    case grpc::StatusCode::PERMISSION_DENIED:
    case grpc::StatusCode::UNIMPLEMENTED:
      return false;
    default:
      return true;
  }
}

}  // namespace

absl::StatusOr<std::unique_ptr<AlertSubscriber>> AlertSubscriber::Create(
    AlertSubscriberOptions options) {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  grpc::ChannelArguments args;
  args.SetInt(GRPC_ARG_KEEPALIVE_TIME_MS, 60000);
  args.SetInt(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, 20000);
  if (options.tls_root_certs_pem.empty()) {
    if (!options.bearer_token.empty()) {
      return absl::InvalidArgumentError("a bearer token is only sent over TLS");
    }
    if (!monitor::IsLoopbackAddress(options.target)) {
      return absl::InvalidArgumentError(
          absl::StrCat("refusing plaintext to ", options.target, ": give TLS roots"));
    }
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = options.tls_root_certs_pem;
    creds = grpc::SslCredentials(ssl);
    if (!options.bearer_token.empty()) {
      creds = grpc::CompositeChannelCredentials(creds,
                                                grpc::AccessTokenCredentials(options.bearer_token));
    }
    if (!options.tls_server_name.empty()) {
      args.SetSslTargetNameOverride(options.tls_server_name);
    }
  }
  std::shared_ptr<grpc::Channel> channel = grpc::CreateCustomChannel(options.target, creds, args);
  return std::unique_ptr<AlertSubscriber>(
      new AlertSubscriber(std::move(options), caawatch::v1::Monitor::NewStub(channel)));
}

AlertSubscriber::AlertSubscriber(AlertSubscriberOptions options,
                                 std::unique_ptr<caawatch::v1::Monitor::Stub> stub)
    : options_(std::move(options)), stub_(std::move(stub)) {}

absl::Status AlertSubscriber::Run(uint64_t after_seq,
                                  const std::function<void(const caawatch::v1::Alert&)>& on_alert) {
  {
    absl::MutexLock lock(&mu_);
    last_seq_ = after_seq;
  }
  absl::Duration backoff = options_.initial_backoff;
  const auto progress = [this](const std::string& line) {
    if (options_.on_progress) options_.on_progress(line);
  };
  for (bool first = true; !stop_.HasBeenNotified(); first = false) {
    progress(absl::StrCat(first ? "connecting to " : "reconnecting to ", options_.target,
                          ", after seq ", last_delivered_seq()));
    bool delivered_any = false;
    grpc::Status status = StreamOnce(on_alert, &delivered_any);
    if (stop_.HasBeenNotified()) break;
    if (!Retryable(status.error_code())) {
      return absl::Status(static_cast<absl::StatusCode>(status.error_code()),
                          absl::StrCat("subscribe: ", status.error_message()));
    }
    if (delivered_any) backoff = options_.initial_backoff;  // The link was good for a while.
    progress(absl::StrCat("no stream from ", options_.target, " (", status.error_message(),
                          "); retrying in ", absl::FormatDuration(backoff)));
    stop_.WaitForNotificationWithTimeout(backoff);
    backoff = std::min(backoff * 2, options_.max_backoff);
  }
  return absl::OkStatus();
}

grpc::Status AlertSubscriber::StreamOnce(
    const std::function<void(const caawatch::v1::Alert&)>& on_alert, bool* delivered_any) {
  grpc::ClientContext context;
  caawatch::v1::SubscribeRequest request;
  {
    absl::MutexLock lock(&mu_);
    if (stop_.HasBeenNotified()) return grpc::Status::CANCELLED;
    current_ = &context;
    request.set_after_seq(last_seq_);
  }
  for (const std::string& n : options_.names) request.add_names(n);
  for (caawatch::v1::Verdict v : options_.verdicts) request.add_verdicts(v);
  std::unique_ptr<grpc::ClientReader<caawatch::v1::Alert>> reader =
      stub_->Subscribe(&context, request);
  caawatch::v1::Alert alert;
  while (reader->Read(&alert)) {
    {
      absl::MutexLock lock(&mu_);
      if (alert.seq() <= last_seq_) continue;  // Defence: never repeat an alert.
      last_seq_ = alert.seq();
    }
    *delivered_any = true;
    on_alert(alert);
  }
  grpc::Status status = reader->Finish();
  absl::MutexLock lock(&mu_);
  current_ = nullptr;
  return status;
}

void AlertSubscriber::Stop() {
  absl::MutexLock lock(&mu_);
  if (!stop_.HasBeenNotified()) stop_.Notify();
  if (current_ != nullptr) current_->TryCancel();
}

uint64_t AlertSubscriber::last_delivered_seq() const {
  absl::MutexLock lock(&mu_);
  return last_seq_;
}

}  // namespace caawatch::cli
